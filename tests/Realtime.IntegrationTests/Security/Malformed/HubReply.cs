namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>How the edge answered one malformed input.</summary>
public enum ReplyKind
{
    /// <summary>A completion with an error the hub gave on purpose (HubException, binding failure, unknown method).</summary>
    HubError,

    /// <summary>The server closed the connection (a close message and/or the socket ending).</summary>
    Closed,

    /// <summary>A completion without error: the edge took the input as valid.</summary>
    Accepted,

    /// <summary>Not an invocation (nothing to complete): the connection ignored it and still answers.</summary>
    Ignored,

    /// <summary>A completion with SignalR's generic error: an exception the edge did not expect. Always a bug.</summary>
    ServerError,

    /// <summary>Neither a completion nor a close in time. Always a bug.</summary>
    NoAnswer,
}

public sealed record HubReply(ReplyKind Kind, string? Detail = null)
{
    /// <summary>What SignalR says instead of the message when a hub method throws something other than a HubException.</summary>
    public const string UnexpectedErrorPrefix = "An unexpected error occurred";

    /// <summary>
    /// SignalR words a HubException as "An unexpected error occurred invoking 'x' on the server.
    /// HubException: message"; any other exception, with detailed errors off, only as the first sentence.
    /// </summary>
    public static bool IsUnexpected(string error) =>
        error.StartsWith(UnexpectedErrorPrefix, StringComparison.Ordinal) && error.EndsWith("on the server.", StringComparison.Ordinal);

    public override string ToString() => Detail is null ? $"{Kind}" : $"{Kind}: {Detail}";
}
