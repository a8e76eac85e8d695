using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Realtime.Grains.Notifications;

namespace Realtime.Grains.Streaming;

/// <summary>
/// Where a client stands in its workspace's feed, as the opaque string it is given in each
/// recoverable event's payload (<see cref="PropertyName"/>) and passes back to recover after a
/// disconnect. It is the same for every receiver of the event: the feed's epoch and sequence,
/// bound to the workspace so a position of another workspace is told apart, base64url-encoded.
/// </summary>
public sealed record RecoveryPosition(string WorkspaceId, long Epoch, long Sequence)
{
    /// <summary>The payload property that carries it.</summary>
    public const string PropertyName = "recoveryPosition";

    /// <summary>The longest position accepted back: ids are short, anything longer is not ours.</summary>
    public const int MaxLength = 256;

    private const string Version = "w1";

    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Version}.{Epoch}.{Sequence}.{WorkspaceId}")));

    /// <summary>
    /// The position a client passed back, when it is a well-formed one of <paramref name="workspaceId"/>;
    /// null for anything else (garbage, another version, another workspace's).
    /// </summary>
    public static RecoveryPosition? TryParse(string? text, string workspaceId)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[MaxLength];
        if (Base64Url.DecodeFromChars(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes[..written]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var parts = decoded.Split('.', 4);
        return parts is [Version, var epoch, var sequence, var workspace]
            && workspace == workspaceId
            && long.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out var e)
            && long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                ? new RecoveryPosition(workspace, e, s)
                : null;
    }

    /// <summary>
    /// The payload with this position set as its <see cref="PropertyName"/> (a JSON object's; any
    /// such property a service put in is replaced). Other JSON values have nowhere to carry it and
    /// stay as they are.
    /// </summary>
    public RawJson StampOn(RawJson payload)
    {
        using var document = JsonDocument.Parse(payload.Json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return payload;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(payload.Json.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != PropertyName)
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteString(PropertyName, ToString());
            writer.WriteEndObject();
        }

        return new RawJson(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>The position a payload carries (a stamped broadcast or <see cref="IRecoverablePayload"/>), or null.</summary>
    public static RecoveryPosition? ReadFrom(object payload, string workspaceId)
    {
        if (payload is IRecoverablePayload recoverable)
        {
            return TryParse(recoverable.RecoveryPosition, workspaceId);
        }

        if (payload is not RawJson json)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json.Json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty(PropertyName, out var position)
            && position.ValueKind == JsonValueKind.String
                ? TryParse(position.GetString(), workspaceId)
                : null;
    }
}

/// <summary>
/// What a workspace can replay to a client from a position: with <see cref="Complete"/>, every
/// recoverable event after it up to <see cref="Through"/> (the feed's last sequence when asked),
/// in order; without, nothing (another activation's epoch, history already dropped, or a position
/// the feed never reached). <see cref="EdgeHead"/> is the last event the feed had sent the asking
/// edge by then: once the edge has delivered it, nothing the replay holds can still come live.
/// </summary>
[GenerateSerializer, Immutable, Alias("realtime.FeedRecovery")]
public sealed record FeedRecovery(
    [property: Id(0)] bool Complete,
    [property: Id(1)] long Through,
    [property: Id(2)] IReadOnlyList<EdgeEvent> Events,
    [property: Id(3)] FeedHead EdgeHead);
