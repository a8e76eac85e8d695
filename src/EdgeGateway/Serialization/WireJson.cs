using System.Text.Json;
using System.Text.Json.Serialization;

namespace Realtime.EdgeGateway.Serialization;

/// <summary>JSON conventions of the wire contract, shared by the hubs and the HTTP API.</summary>
public static class WireJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new UtcTimestampJsonConverter());
    }
}
