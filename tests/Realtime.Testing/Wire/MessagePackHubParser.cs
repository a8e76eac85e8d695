using MessagePack;

namespace Realtime.Testing.Wire;

/// <summary>
/// Frames and reads MessagePack hub messages: each is a varint length, then
/// [type, headers, invocationId, target, arguments, ...]; only the measured fields are read.
/// </summary>
public static class MessagePackHubParser
{
    /// <summary>Finds the next complete message in <paramref name="buffer"/>: its body's offset and length, or false if more bytes are needed.</summary>
    public static bool TryFrame(ReadOnlySpan<byte> buffer, out int bodyStart, out int bodyLength)
    {
        bodyStart = 0;
        bodyLength = 0;
        var length = 0;
        for (var i = 0; i < Math.Min(buffer.Length, 5); i++)
        {
            length |= (buffer[i] & 0x7F) << (7 * i);
            if ((buffer[i] & 0x80) == 0)
            {
                bodyStart = i + 1;
                bodyLength = length;
                return buffer.Length - bodyStart >= length;
            }
        }

        if (buffer.Length >= 5)
        {
            throw new InvalidDataException("MessagePack length prefix longer than 5 bytes.");
        }

        return false;
    }

    public static void Parse(ReadOnlyMemory<byte> body, ref HubMessage message, OnlineUsers? online)
    {
        message.Reset();
        var reader = new MessagePackReader(body);
        var fields = reader.ReadArrayHeader();
        message.Type = reader.ReadInt32();
        if (message.Type == 7 && fields >= 2)
        {
            message.CloseError = reader.TryReadNil() ? null : reader.ReadString();
        }

        if (message.Type != 1 || fields < 5)
        {
            return;
        }

        var headers = reader.ReadMapHeader();
        for (var i = 0; i < headers * 2; i++)
        {
            reader.Skip();
        }

        reader.Skip(); // invocation id (nil for events)
        message.Target = reader.TryReadStringSpan(out var target) ? HubTargets.Classify(target) : HubTarget.Other;
        if (message.Target is HubTarget.Other or HubTarget.WarmupLoad || reader.ReadArrayHeader() < 1 || reader.NextMessagePackType != MessagePackType.Map)
        {
            return;
        }

        ReadMap(ref reader, ref message, online);
    }

    private static void ReadMap(ref MessagePackReader reader, ref HubMessage message, OnlineUsers? online)
    {
        var entries = reader.ReadMapHeader();
        for (var i = 0; i < entries; i++)
        {
            if (!reader.TryReadStringSpan(out var key))
            {
                reader.Skip();
                reader.Skip();
                continue;
            }

            if (key.SequenceEqual("seq"u8))
            {
                message.Seq = ReadInteger(ref reader);
            }
            else if (key.SequenceEqual("sentAt"u8))
            {
                message.SentAtMicros = ReadInteger(ref reader);
            }
            else if (key.SequenceEqual("online"u8) && message.Target == HubTarget.PresenceSummary)
            {
                message.Online = (int)ReadInteger(ref reader);
            }
            else if (key.SequenceEqual("data"u8) && message.Target == HubTarget.Notification && reader.NextMessagePackType == MessagePackType.Map)
            {
                ReadMap(ref reader, ref message, online);
            }
            else if (key.SequenceEqual("users"u8) && online is not null && reader.NextMessagePackType == MessagePackType.Array)
            {
                ReadUsers(ref reader, online);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void ReadUsers(ref MessagePackReader reader, OnlineUsers online)
    {
        var count = reader.ReadArrayHeader();
        for (var u = 0; u < count; u++)
        {
            ReadOnlySpan<byte> userId = default;
            var active = false;
            var entries = reader.ReadMapHeader();
            for (var i = 0; i < entries; i++)
            {
                if (reader.TryReadStringSpan(out var key) && key.SequenceEqual("userId"u8) && reader.TryReadStringSpan(out var id))
                {
                    userId = id;
                }
                else if (key.SequenceEqual("status"u8) && reader.TryReadStringSpan(out var status))
                {
                    active = OnlineUsers.IsActive(status);
                }
                else
                {
                    reader.Skip();
                }
            }

            online.Set(userId, active);
        }
    }

    /// <summary>Numbers converted from JSON may arrive as integers or as floats.</summary>
    private static long ReadInteger(ref MessagePackReader reader) => reader.NextMessagePackType switch
    {
        MessagePackType.Integer => reader.ReadInt64(),
        MessagePackType.Float => (long)reader.ReadDouble(),
        _ => Skip(ref reader),
    };

    private static long Skip(ref MessagePackReader reader)
    {
        reader.Skip();
        return -1;
    }
}
