using Microsoft.Extensions.Logging;

namespace Realtime.IntegrationTests.Security;

/// <summary>
/// An edge as in production (Production environment: no token endpoint, no exception details),
/// with no clock skew so that token lifetimes end when they say, and every log line captured
/// down to Debug for ASP.NET Core and our own categories.
/// </summary>
public sealed class SecuritySystemFixture : IAsyncLifetime
{
    public RealtimeSystem System { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync() =>
        System = await RealtimeSystem.StartEmbeddedAsync(
            environment: "Production",
            edgeSettings: new Dictionary<string, string?> { ["Jwt:ClockSkew"] = "00:00:00" },
            configureEdge: edge => edge.Logging
                .AddProvider(Logs)
                .AddFilter<CapturedLogs>("Microsoft.AspNetCore", LogLevel.Debug)
                .AddFilter<CapturedLogs>("Realtime", LogLevel.Debug));

    public async Task DisposeAsync() => await System.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SecuritySystemCollection : ICollectionFixture<SecuritySystemFixture>
{
    public const string Name = "Security system";
}
