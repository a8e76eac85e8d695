using System.Text.Json;

namespace Realtime.Testing.Wire;

/// <summary>
/// Reads one JSON hub message (a record without its 0x1E) with Utf8JsonReader over the received
/// bytes: the target is compared as bytes, only the fields the load test measures are read.
/// </summary>
public static class JsonHubParser
{
    /// <summary>
    /// Fills <paramref name="message"/> from <paramref name="record"/>. <paramref name="recovery"/>: also
    /// <c>recoveryPosition</c> and <c>recovered</c> (the position is a string per message, so only a
    /// client that reconnects with it asks), the warm-up load's included.
    /// </summary>
    public static void Parse(ReadOnlySpan<byte> record, ref HubMessage message, OnlineUsers? online, bool recovery = false)
    {
        message.Reset();
        var reader = new Utf8JsonReader(record);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
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
                message.Target = HubTargets.Classify(reader.ValueSpan);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                message.CloseError = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
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

        if (message.Type == 1 && message.Target != HubTarget.Other && (recovery || message.Target != HubTarget.WarmupLoad) && argumentsStart >= 0)
        {
            ReadFirstArgument(record[argumentsStart..argumentsEnd], ref message, online, recovery);
        }
    }

    private static void ReadFirstArgument(ReadOnlySpan<byte> arguments, ref HubMessage message, OnlineUsers? online, bool recovery)
    {
        var reader = new Utf8JsonReader(arguments);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        ReadObject(ref reader, ref message, online, recovery);
    }

    /// <summary>Reads the properties of the object the reader is on, up to its end.</summary>
    internal static void ReadObject(ref Utf8JsonReader reader, ref HubMessage message, OnlineUsers? online, bool recovery = false)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                message.Seq = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("sentAt"u8))
            {
                reader.Read();
                message.SentAtMicros = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0;
            }
            else if (reader.ValueTextEquals("online"u8) && message.Target == HubTarget.PresenceSummary)
            {
                reader.Read();
                message.Online = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("data"u8) && message.Target == HubTarget.Notification)
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadObject(ref reader, ref message, online, recovery);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("users"u8) && online is not null)
            {
                reader.Read();
                ReadUsers(ref reader, online);
            }
            else if (recovery && reader.ValueTextEquals("recoveryPosition"u8))
            {
                reader.Read();
                message.RecoveryPosition = reader.GetString();
            }
            else if (recovery && reader.ValueTextEquals("recovered"u8))
            {
                reader.Read();
                message.Recovered = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadUsers(ref Utf8JsonReader reader, OnlineUsers online)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            ReadOnlySpan<byte> userId = default;
            var active = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("userId"u8))
                {
                    reader.Read();
                    userId = reader.ValueSpan;
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

            online.Set(userId, active);
        }
    }
}
