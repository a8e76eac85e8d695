namespace Realtime.LoadTest.Clients;

/// <summary>Clients of a run held by one process: this one, or a worker it started.</summary>
public interface IClientGroup : IAsyncDisposable
{
    ClientSpec Spec { get; }

    /// <summary>Connects every client and waits until each is ready or <paramref name="timeout"/> passes.</summary>
    Task<ConnectReport> ConnectAsync(TimeSpan timeout);

    /// <summary>Waits until <paramref name="condition"/> holds; false if <paramref name="timeout"/> passed first.</summary>
    Task<bool> WaitUntilAsync(GroupCondition condition, TimeSpan timeout);

    Task<GroupReport> ReportAsync();
}
