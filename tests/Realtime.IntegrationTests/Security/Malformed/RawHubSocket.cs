using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using MessagePack;
using Realtime.Testing.Wire;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// A hub connection over a raw WebSocket (the load test's hand-made upgrade), so that a test can
/// send any bytes: broken JSON, binary garbage, truncated frames. It reads completions and close
/// messages of either protocol and nothing else.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly WireProtocol _protocol;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<HubReply>> _pending = new();
    private readonly TaskCompletionSource<string?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    private RawHubSocket(WebSocket socket, WireProtocol protocol)
    {
        _socket = socket;
        _protocol = protocol;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Completes with the server's close error (or null) when the server closes the connection.</summary>
    public Task<string?> Closed => _closed.Task;

    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>Opens a socket; with <paramref name="handshake"/> null, the protocol's own handshake is sent and its answer awaited.</summary>
    public static async Task<RawHubSocket> ConnectAsync(Uri edge, string hubPath, string workspaceId, string token, WireProtocol protocol, byte[]? handshake = null)
    {
        var path = $"{hubPath}?workspaceId={Uri.EscapeDataString(workspaceId)}&access_token={Uri.EscapeDataString(token)}";
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var socket = await WebSocketDialer.ConnectAsync(LoopbackEndpoint.Parse(edge), null, path, timeout.Token);
        await socket.SendAsync(handshake ?? SignalRFrames.Handshake(protocol).ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        var raw = new RawHubSocket(socket, protocol);
        return raw;
    }

    /// <summary>Sends one WebSocket message as it is.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes, bool binary = false)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        try
        {
            await _socket.SendAsync(bytes, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The server may close, or stop reading, before it has read everything we send: the
            // close, or the missing answer, is the outcome.
        }
    }

    /// <summary>
    /// Sends a valid call until one is answered or the socket closes. SignalR stops reading at a
    /// message of an unknown type until more bytes arrive, so a call sent in the same read waits
    /// for the next one: the retry brings those bytes.
    /// </summary>
    public async Task<HubReply> ProbeAsync(Func<string, byte[]> frame, bool binary)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var id = $"probe{attempt}";
            var reply = _pending.GetOrAdd(id, _ => NewReply());
            await SendAsync(frame(id), binary);
            var answered = _pending.Where(p => p.Key.StartsWith("probe", StringComparison.Ordinal)).Select(p => p.Value.Task).Append(reply.Task);
            var done = await Task.WhenAny(Task.WhenAny(answered), _closed.Task, Task.Delay(TimeSpan.FromSeconds(1)));
            if (done == _closed.Task || IsClosed)
            {
                return new HubReply(ReplyKind.Closed, await _closed.Task);
            }

            if (_pending.Values.FirstOrDefault(p => p.Task.IsCompleted) is { } first)
            {
                return await first.Task;
            }
        }

        return new HubReply(ReplyKind.NoAnswer);
    }

    /// <summary>Sends an invocation frame carrying <paramref name="invocationId"/> and waits for its completion or the close.</summary>
    public async Task<HubReply> InvokeAsync(ReadOnlyMemory<byte> frame, string invocationId, bool binary = false)
    {
        var reply = _pending.GetOrAdd(invocationId, _ => NewReply());
        await SendAsync(frame, binary);
        return await AnswerAsync(reply.Task);
    }

    /// <summary>Waits for the completion of <paramref name="invocationId"/> (sent in an earlier frame) or the close.</summary>
    public Task<HubReply> AwaitAsync(string invocationId) => AnswerAsync(_pending.GetOrAdd(invocationId, _ => NewReply()).Task);

    /// <summary>Waits for the server to close the socket, or for nothing more to happen within the timeout.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        var done = await Task.WhenAny(_closed.Task, Task.Delay(timeout));
        return done == _closed.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        _stop.Dispose();
    }

    private static TaskCompletionSource<HubReply> NewReply() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<HubReply> AnswerAsync(Task<HubReply> reply)
    {
        var done = await Task.WhenAny(reply, _closed.Task, Task.Delay(ReplyTimeout));
        if (done == reply)
        {
            return await reply;
        }

        // A completion that arrived just before the close still counts as the answer.
        return reply.IsCompleted ? await reply
            : done == _closed.Task ? new HubReply(ReplyKind.Closed, await _closed.Task)
            : new HubReply(ReplyKind.NoAnswer);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var handshakeDone = false;
        string? closeError = null;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                buffer.Advance(result.Count);
                var consumed = Consume(buffer.WrittenMemory, ref handshakeDone, ref closeError);
                var rest = buffer.WrittenMemory[consumed..].ToArray();
                buffer.Clear();
                buffer.Write(rest);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket ended: that is the close.
        }
        catch (Exception ex) when (ex is JsonException or MessagePackSerializationException or InvalidOperationException)
        {
            closeError = $"the test client could not read the server: {ex.Message}";
        }

        _closed.TrySetResult(closeError);
    }

    /// <summary>Reads every complete message in <paramref name="bytes"/>; returns how many bytes were used.</summary>
    private int Consume(ReadOnlyMemory<byte> bytes, ref bool handshakeDone, ref string? closeError)
    {
        var used = 0;
        while (true)
        {
            var rest = bytes[used..];
            if (!handshakeDone || _protocol == WireProtocol.Json)
            {
                var end = rest.Span.IndexOf(SignalRFrames.RecordSeparator);
                if (end < 0)
                {
                    return used;
                }

                var record = rest[..end];
                used += end + 1;
                if (!handshakeDone)
                {
                    handshakeDone = true;
                    if (HandshakeError(record.Span) is { } refused)
                    {
                        closeError = $"handshake: {refused}";
                    }

                    continue;
                }

                ReadJson(record.Span, ref closeError);
            }
            else
            {
                if (!MessagePackHubParser.TryFrame(rest.Span, out var start, out var length))
                {
                    return used;
                }

                ReadMessagePack(rest.Slice(start, length), ref closeError);
                used += start + length;
            }
        }
    }

    private static string? HandshakeError(ReadOnlySpan<byte> record)
    {
        using var json = JsonDocument.Parse(record.ToArray());
        return json.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null;
    }

    private void ReadJson(ReadOnlySpan<byte> record, ref string? closeError)
    {
        using var json = JsonDocument.Parse(record.ToArray());
        var root = json.RootElement;
        var type = root.GetProperty("type").GetInt32();
        if (type == 7)
        {
            closeError = root.TryGetProperty("error", out var e) ? e.GetString() : null;
        }
        else if (type == 3 && root.TryGetProperty("invocationId", out var id))
        {
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            Complete(id.GetString()!, error, root.TryGetProperty("result", out var r) ? r.GetRawText() : null);
        }
    }

    private void ReadMessagePack(ReadOnlyMemory<byte> body, ref string? closeError)
    {
        // Completion: [3, headers, invocationId, resultKind (1 error, 2 void, 3 result), error-or-result?].
        var reader = new MessagePackReader(body);
        var fields = reader.ReadArrayHeader();
        var type = reader.ReadInt32();
        if (type == 7)
        {
            closeError = fields >= 2 && !reader.TryReadNil() ? reader.ReadString() : null;
        }
        else if (type == 3)
        {
            reader.Skip();
            var id = reader.ReadString()!;
            var kind = reader.ReadInt32();
            Complete(id, kind == 1 ? reader.ReadString() : null, kind == 3 ? "(result)" : null);
        }
    }

    private void Complete(string invocationId, string? error, string? result)
    {
        var reply = error is null ? new HubReply(ReplyKind.Accepted, result)
            : HubReply.IsUnexpected(error) ? new HubReply(ReplyKind.ServerError, error)
            : new HubReply(ReplyKind.HubError, error);
        _pending.GetOrAdd(invocationId, _ => NewReply()).TrySetResult(reply);
    }

    public override string ToString() => $"{_protocol} socket{(IsClosed ? " (closed)" : "")}";

    /// <summary>Text of a JSON hub message with its record separator.</summary>
    public static byte[] JsonRecord(string json) => [.. Encoding.UTF8.GetBytes(json), SignalRFrames.RecordSeparator];
}
