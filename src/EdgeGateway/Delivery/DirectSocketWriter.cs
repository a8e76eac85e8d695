namespace Realtime.EdgeGateway.Delivery;

/// <summary>
/// The upgraded stream under one WebSocket, shared by two writers: the connection's own
/// WebSocket (handshake, invocation results, pings, close) and broadcasts, which write complete
/// frames built once for every socket. Writes take turns, whole messages at a time: the
/// WebSocket keeps its turn from the first frame of a fragmented message to its last. The gate
/// starts held by the WebSocket, so nothing overtakes the handshake response, and broadcast
/// frames queue in the order they were sent.
/// </summary>
public sealed class DirectSocketWriter(Stream inner, int maxPendingFrames) : Stream
{
    private readonly SemaphoreSlim _gate = new(0, 1);
    private readonly CancellationTokenSource _closed = new();
    private bool _webSocketHoldsGate = true;
    private int _pending;

    /// <summary>Frames sent by broadcasts and not yet written.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>
    /// Writes a whole frame after what was sent before. False when more than the allowed frames
    /// wait already: the connection does not keep up and the caller closes it.
    /// </summary>
    public bool TrySend(ReadOnlyMemory<byte> frame, out Task written)
    {
        if (Interlocked.Increment(ref _pending) > maxPendingFrames)
        {
            Interlocked.Decrement(ref _pending);
            written = Task.CompletedTask;
            return false;
        }

        written = _gate.Wait(0) ? WriteHoldingGate(frame) : WriteWhenFreeAsync(frame);
        return true;
    }

    /// <summary>The connection is gone: broadcast frames still waiting are dropped.</summary>
    public void Abandon() => _closed.Cancel();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_webSocketHoldsGate)
        {
            await _gate.WaitAsync(cancellationToken);
        }

        try
        {
            await inner.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            // The WebSocket writes each frame, header and payload, in one call. Control frames may
            // come inside a fragmented message and do not end it.
            if (buffer.Length > 0 && !WebSocketFrame.IsControl(buffer.Span[0]))
            {
                _webSocketHoldsGate = !WebSocketFrame.IsFinal(buffer.Span[0]);
            }

            if (!_webSocketHoldsGate)
            {
                _gate.Release();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _closed.Cancel();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _closed.Cancel();
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The fast path: the gate was free; most writes into Kestrel's buffer complete at once.</summary>
    private Task WriteHoldingGate(ReadOnlyMemory<byte> frame)
    {
        ValueTask write;
        try
        {
            write = inner.WriteAsync(frame, _closed.Token);
        }
        catch (Exception ex)
        {
            Done();
            return Task.FromException(ex);
        }

        if (write.IsCompletedSuccessfully)
        {
            write.GetAwaiter().GetResult();
            Done();
            return Task.CompletedTask;
        }

        return AwaitWriteAsync(write);
    }

    private async Task AwaitWriteAsync(ValueTask write)
    {
        try
        {
            await write;
        }
        finally
        {
            Done();
        }
    }

    private async Task WriteWhenFreeAsync(ReadOnlyMemory<byte> frame)
    {
        try
        {
            await _gate.WaitAsync(_closed.Token);
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }

        await WriteHoldingGate(frame);
    }

    private void Done()
    {
        Interlocked.Decrement(ref _pending);
        _gate.Release();
    }
}
