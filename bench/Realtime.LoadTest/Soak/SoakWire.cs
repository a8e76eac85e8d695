using System.Text.Json;
using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Soak;

/// <summary>The server events a soak client tells apart.</summary>
public enum SoakEvent
{
    Other,
    Connected,
    PresenceUpdate,
    PresenceSummary,
    PresenceList,
    Notification,
    NotificationUnread,
    Tick,
}

/// <summary>One received hub message, as much of it as the soak's accounting needs.</summary>
public sealed class SoakMessage
{
    /// <summary>SignalR message type: 1 invocation, 3 completion, 6 ping, 7 close.</summary>
    public int Type { get; set; }

    public SoakEvent Event { get; set; }

    public string? InvocationId { get; set; }

    /// <summary>A completion's or a close's error.</summary>
    public string? Error { get; set; }

    /// <summary>A broadcast's seq; -1 when absent.</summary>
    public long Seq { get; set; } = -1;

    public string? NotificationId { get; set; }

    /// <summary>presence:update / presence:list / presence:online:list users: id and whether online or away.</summary>
    public List<(string UserId, bool Active)>? Users { get; set; }

    public string? NextCursor { get; set; }
}

/// <summary>JSON hub protocol for the soak: the messages its clients send and a reader for what they receive.</summary>
public static class SoakWire
{
    public const string TickEvent = "soak:tick";

    private static readonly byte[] Separator = [SignalRFrames.RecordSeparator];

    /// <summary>A fire-and-forget invocation (no completion comes back).</summary>
    public static byte[] Invocation(string target, object argument) => Frame(new { type = 1, target, arguments = new[] { argument } });

    /// <summary>An invocation whose completion (result or error) comes back under <paramref name="invocationId"/>.</summary>
    public static byte[] Invocation(string invocationId, string target, object argument) =>
        Frame(new { type = 1, invocationId, target, arguments = new[] { argument } });

    public static SoakMessage Parse(ReadOnlySpan<byte> record)
    {
        var message = new SoakMessage();
        var reader = new Utf8JsonReader(record);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return message;
        }

        var argumentsStart = -1;
        var argumentsEnd = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                message.Type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                message.Event = Classify(reader.ValueSpan);
            }
            else if (reader.ValueTextEquals("invocationId"u8))
            {
                reader.Read();
                message.InvocationId = reader.GetString();
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                message.Error = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                // Kept for after the loop: "target" may come after "arguments".
                reader.Read();
                argumentsStart = (int)reader.TokenStartIndex;
                reader.Skip();
                argumentsEnd = (int)reader.BytesConsumed;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (message.Type == 1 && message.Event != SoakEvent.Other && argumentsStart >= 0)
        {
            var arguments = new Utf8JsonReader(record[argumentsStart..argumentsEnd]);
            if (arguments.Read() && arguments.TokenType == JsonTokenType.StartArray && arguments.Read() && arguments.TokenType == JsonTokenType.StartObject)
            {
                ReadPayload(ref arguments, message);
            }
        }

        return message;
    }

    private static SoakEvent Classify(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("connected"u8) => SoakEvent.Connected,
        _ when name.SequenceEqual("presence:update"u8) => SoakEvent.PresenceUpdate,
        _ when name.SequenceEqual("presence:summary"u8) => SoakEvent.PresenceSummary,
        _ when name.SequenceEqual("presence:list"u8) || name.SequenceEqual("presence:online:list"u8) => SoakEvent.PresenceList,
        _ when name.SequenceEqual("notification"u8) => SoakEvent.Notification,
        _ when name.SequenceEqual("notification:unread"u8) => SoakEvent.NotificationUnread,
        _ when name.SequenceEqual("soak:tick"u8) => SoakEvent.Tick,
        _ => SoakEvent.Other,
    };

    private static void ReadPayload(ref Utf8JsonReader reader, SoakMessage message)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("seq"u8) && message.Event == SoakEvent.Tick)
            {
                reader.Read();
                message.Seq = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("id"u8) && message.Event == SoakEvent.Notification)
            {
                reader.Read();
                message.NotificationId = reader.GetString();
            }
            else if (reader.ValueTextEquals("users"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartArray)
            {
                message.Users = ReadUsers(ref reader);
            }
            else if (reader.ValueTextEquals("nextCursor"u8))
            {
                reader.Read();
                message.NextCursor = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static List<(string, bool)> ReadUsers(ref Utf8JsonReader reader)
    {
        var users = new List<(string, bool)>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? userId = null;
            var active = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("userId"u8))
                {
                    reader.Read();
                    userId = reader.GetString();
                }
                else if (reader.ValueTextEquals("status"u8))
                {
                    reader.Read();
                    active = OnlineUsers.IsActive(reader.ValueSpan);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (userId is not null)
            {
                users.Add((userId, active));
            }
        }

        return users;
    }

    private static byte[] Frame(object message) => [.. JsonSerializer.SerializeToUtf8Bytes(message), .. Separator];
}
