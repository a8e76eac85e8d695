namespace Realtime.EdgeGateway.Limits;

/// <summary>Values of the "limit" tag of realtime.edge.limits.rejected: which limit refused something.</summary>
public static class LimitNames
{
    public const string Tag = "limit";

    public const string RateConnection = "rate_connection";
    public const string RateUser = "rate_user";
    public const string RateCaller = "rate_caller";
    public const string ConnectionsPerUser = "connections_per_user";
    public const string MessageSize = "message_size";
    public const string FieldLength = "field_length";
    public const string RequestBody = "request_body";

    /// <summary>The "hub" tag of refusals made by the HTTP API rather than a hub.</summary>
    public const string HttpApi = "http";
}
