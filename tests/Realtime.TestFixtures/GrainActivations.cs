using Orleans.Core.Internal;

namespace Realtime.TestFixtures;

public static class GrainActivations
{
    /// <summary>
    /// Deactivates the grain and waits until no silo holds an activation of it, so that whatever
    /// happens to it next (a reminder, a call) starts from its persisted state only.
    /// </summary>
    public static async Task DeactivateAsync(IClusterClient client, IAddressable grain)
    {
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.UntilAsync(
            async () => (await client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Any(s => s.GrainId == grain.GetGrainId()),
            active => !active,
            $"{grain.GetGrainId()} deactivated");
    }
}
