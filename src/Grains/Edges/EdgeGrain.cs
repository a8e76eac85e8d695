using Microsoft.Extensions.Options;
using Realtime.Grains.Broadcasting;
using Realtime.Grains.Hosting;
using Realtime.Grains.Presence;
using Realtime.Grains.Streaming;
using Realtime.Grains.Workspaces;

namespace Realtime.Grains.Edges;

/// <summary>
/// Lease of one edge. While active, a timer checks the lease every few seconds, so an edge that
/// died is evicted within its lease duration plus that check. A reminder is the backstop for the
/// case where the silo holding this grain died with the edge (nothing would reactivate it).
/// </summary>
public sealed partial class EdgeGrain(
    [PersistentState("edge", StorageNames.Realtime)] IPersistentState<EdgeLeaseState> state,
    IOptions<PresenceOptions> options,
    SiloStatsRollup stats,
    TimeProvider timeProvider,
    ILogger<EdgeGrain> logger) : Grain, IEdgeGrain, IRemindable
{
    private const string LeaseReminder = "edge-lease";

    private readonly PresenceOptions _options = options.Value;
    private IGrainTimer? _leaseTimer;

    private string EdgeId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.ExpiresAt is not null && !state.State.Evicted)
        {
            await CheckLeaseAsync();
            WatchLease();
        }
    }

    public async Task<bool> Renew(TimeSpan leaseDuration, int connections)
    {
        var wasEvicted = state.State.Evicted;
        var first = state.State.ExpiresAt is null || wasEvicted;
        state.State.Evicted = false;
        state.State.ExpiresAt = timeProvider.GetUtcNow() + leaseDuration;
        await state.WriteStateAsync();
        if (first)
        {
            await this.RegisterOrUpdateReminder(LeaseReminder, _options.EdgeLeaseReminderPeriod, _options.EdgeLeaseReminderPeriod);
        }

        WatchLease();
        stats.ReportEdge(new EdgeReport(EdgeId, connections, state.State.ExpiresAt.Value, Left: false), firstLease: first);
        return wasEvicted;
    }

    public async Task TrackWorkspace(string workspaceId)
    {
        if (state.State.Workspaces.Add(workspaceId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Leave()
    {
        LogLeft(EdgeId);
        await EvictAsync();
        DeactivateOnIdle();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == LeaseReminder ? CheckLeaseAsync() : Task.CompletedTask;

    private void WatchLease() =>
        _leaseTimer ??= this.RegisterGrainTimer(_ => CheckLeaseAsync(), _options.EdgeLeaseCheckInterval, _options.EdgeLeaseCheckInterval);

    private async Task CheckLeaseAsync()
    {
        if (!state.State.Evicted && state.State.ExpiresAt is { } expiry && timeProvider.GetUtcNow() >= expiry)
        {
            LogLapsed(EdgeId, state.State.Workspaces.Count);
            await EvictAsync();
        }
    }

    private async Task EvictAsync()
    {
        foreach (var workspaceId in state.State.Workspaces)
        {
            // One-way: workspaces call presence grains, which call workspaces; nothing here waits on them.
            GrainFactory.GetGrain<IWorkspaceGrain>(workspaceId).EvictEdge(EdgeId).Ignore();
        }

        stats.ReportEdge(new EdgeReport(EdgeId, 0, state.State.ExpiresAt ?? timeProvider.GetUtcNow(), Left: true), firstLease: false);

        // Awaited: a Renew queued behind this eviction must find the old subscriptions gone before the edge subscribes again.
        var removed = await EdgeStreamCleanup.RemoveSubscriptionsAsync(this.GetStreamProvider(StreamNames.Provider), EdgeId);
        LogSubscriptionsRemoved(EdgeId, removed);

        state.State.Workspaces.Clear();
        state.State.Evicted = true;
        await state.WriteStateAsync();

        _leaseTimer?.Dispose();
        _leaseTimer = null;
        var reminder = await this.GetReminder(LeaseReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Lease of edge {EdgeId} lapsed: evicting its connections from {WorkspaceCount} workspaces")]
    private partial void LogLapsed(string edgeId, int workspaceCount);

    [LoggerMessage(2, LogLevel.Information, "Edge {EdgeId} left")]
    private partial void LogLeft(string edgeId);

    [LoggerMessage(3, LogLevel.Information, "Removed {Count} subscriptions to the stream of evicted edge {EdgeId}")]
    private partial void LogSubscriptionsRemoved(string edgeId, int count);
}
