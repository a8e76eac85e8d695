namespace Realtime.EdgeGateway.Draining;

/// <summary>
/// The hub requests this edge is serving (a WebSocket or server-sent events request lasts as long
/// as its connection, close handshake included). The drain waits for them to end, so that every
/// client sees a clean close after its last message instead of a socket torn down under it.
/// </summary>
public sealed class OpenHubRequests
{
    private readonly Lock _gate = new();
    private int _open;
    private TaskCompletionSource? _idle;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    /// <summary>Counts a request until the returned handle is disposed.</summary>
    public Handle Enter()
    {
        lock (_gate)
        {
            _open++;
        }

        return new Handle(this);
    }

    /// <summary>Completes once no hub request is open.</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (_open == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    private void Exit()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (--_open == 0)
            {
                (idle, _idle) = (_idle, null);
            }
        }

        idle?.TrySetResult();
    }

    public readonly struct Handle(OpenHubRequests requests) : IDisposable
    {
        public void Dispose() => requests.Exit();
    }
}
