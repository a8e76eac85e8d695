using Realtime.Grains.Broadcasting;
using Realtime.Grains.Hosting;
using Realtime.Grains.Streaming;
using Realtime.Grains.Telemetry;

namespace Realtime.Grains.Sessions;

/// <summary>Persisted revocations, newest last, none older than <see cref="SessionRevocation.KeepFor"/>.</summary>
[GenerateSerializer, Alias("realtime.SessionRevocationState")]
public sealed class SessionRevocationState
{
    [Id(0)]
    public List<SessionRevocation> Revocations { get; set; } = [];
}

/// <summary>
/// The cluster's revoked sessions. A revocation is written before any edge hears of it, so an edge
/// that reads the list a moment later (or starts later) refuses the same tokens; then every live
/// edge gets it on its stream and closes the user's connections there.
/// </summary>
public sealed partial class SessionRevocationGrain(
    [PersistentState("sessions", StorageNames.Realtime)] IPersistentState<SessionRevocationState> state,
    TimeProvider timeProvider,
    RealtimeGrainMetrics metrics,
    ILogger<SessionRevocationGrain> logger) : Grain, ISessionRevocationGrain
{
    /// <summary>How long a revocation waits for the edges to say what they closed.</summary>
    private static readonly TimeSpan EdgesAnswerWithin = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, Closures> _closing = [];
    private EdgePublisher _publisher = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _publisher = new EdgePublisher(this.GetStreamProvider(StreamNames.Provider), metrics);
        return Task.CompletedTask;
    }

    public async Task<RevocationResult> Revoke(string userId, string? workspaceId, string reason)
    {
        var errors = SessionRevocation.Validate(userId, workspaceId, reason);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));
        }

        var revocation = new SessionRevocation(Guid.NewGuid(), userId, workspaceId, timeProvider.GetUtcNow(), reason);
        Forget(revocation.At - SessionRevocation.KeepFor);
        state.State.Revocations.Add(revocation);
        await state.WriteStateAsync();

        var edges = await GrainFactory.GetGrain<IClusterStatsGrain>(0).GetLiveEdges();
        var closures = new Closures(edges.Count);
        _closing[revocation.Id] = closures;
        try
        {
            await _publisher.PublishAsync(edges, EdgeEvent.To(RealtimeHubs.None, EventAudience.Everyone, RealtimeEvents.SessionRevoked, revocation, revocation.At));
            await Task.WhenAny(closures.AllAnswered.Task, Task.Delay(EdgesAnswerWithin, timeProvider));
        }
        finally
        {
            _closing.Remove(revocation.Id);
        }

        LogRevoked(userId, workspaceId ?? "*", closures.Connections, closures.Answered, edges.Count);
        return new RevocationResult(revocation, closures.Connections, closures.Answered, edges.Count);
    }

    public Task Closed(Guid revocationId, string edgeId, int connections)
    {
        if (_closing.TryGetValue(revocationId, out var closures))
        {
            closures.Add(edgeId, connections);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SessionRevocation>> GetActive()
    {
        var since = timeProvider.GetUtcNow() - SessionRevocation.KeepFor;
        return Task.FromResult<IReadOnlyList<SessionRevocation>>(state.State.Revocations.Where(r => r.At > since).ToList());
    }

    private void Forget(DateTimeOffset before) => state.State.Revocations.RemoveAll(r => r.At <= before);

    [LoggerMessage(1, LogLevel.Information, "Revoked the sessions of {UserId} in {WorkspaceId}: {Connections} connections closed on {EdgesAnswered} of {EdgesAsked} edges within a second")]
    private partial void LogRevoked(string userId, string workspaceId, int connections, int edgesAnswered, int edgesAsked);

    /// <summary>The edges' answers to one revocation (calls interleave with the waiting <see cref="Revoke"/>, on the grain's one thread).</summary>
    private sealed class Closures
    {
        private readonly int _expected;

        public Closures(int expected)
        {
            _expected = expected;
            if (expected == 0)
            {
                AllAnswered.TrySetResult();
            }
        }

        public TaskCompletionSource AllAnswered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly HashSet<string> _answered = new(StringComparer.Ordinal);

        public int Connections { get; private set; }

        public int Answered => _answered.Count;

        /// <summary>An edge's answer; counted once per edge, so an edge that got the revocation twice cannot stand in for one that has not answered.</summary>
        public void Add(string edgeId, int connections)
        {
            if (!_answered.Add(edgeId))
            {
                return;
            }

            Connections += connections;
            if (Answered >= _expected)
            {
                AllAnswered.TrySetResult();
            }
        }
    }
}
