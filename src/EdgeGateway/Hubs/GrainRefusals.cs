using Microsoft.AspNetCore.SignalR;

namespace Realtime.EdgeGateway.Hubs;

/// <summary>A grain's refusal of bad input (unknown or foreign ids, bad values) as a clear hub error; other failures stay server errors.</summary>
public static class GrainRefusals
{
    public static async Task<T> AsHubErrors<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException)
        {
            throw new HubException(ex.Message);
        }
    }

    public static Task AsHubErrors(Func<Task> call) => AsHubErrors(async () =>
    {
        await call();
        return true;
    });
}
