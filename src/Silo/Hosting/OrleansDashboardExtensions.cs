using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.Metadata;

namespace Realtime.Silo.Hosting;

/// <summary>
/// Hosts the Orleans Dashboard on the silo's HTTP listener under <see cref="OrleansDashboardOptions.Path"/>,
/// behind <see cref="OrleansDashboardAccess"/>: it shows grain state and streams the silo's logs,
/// so nobody but an administrator may reach it, whatever address the listener is bound to.
/// </summary>
public static partial class OrleansDashboardExtensions
{
    /// <summary>The dashboard's grains, grain service and call profiler (which is idle unless someone is looking).</summary>
    public static ISiloBuilder AddRealtimeOrleansDashboard(this ISiloBuilder silo, OrleansDashboardOptions options)
    {
        if (options.Enabled)
        {
            silo.AddDashboard();
        }

        return silo;
    }

    /// <summary>The dashboard's endpoints, each refused to anyone but an administrator.</summary>
    public static WebApplication MapRealtimeOrleansDashboard(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<OrleansDashboardOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        // A middleware on the endpoint's marker rather than an endpoint filter: some of the
        // dashboard's endpoints are plain request delegates, which endpoint filters skip.
        var access = new OrleansDashboardAccess(options);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OrleansDashboardAccess));
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<OrleansDashboardAccess>() is null)
            {
                await next(context);
                return;
            }

            var verdict = access.Decide(context.Connection.RemoteIpAddress, context.Request.Headers.Authorization);
            if (verdict == OrleansDashboardAccess.Verdict.Allowed)
            {
                await next(context);
                return;
            }

            LogRefused(logger, context.Connection.RemoteIpAddress, verdict);
            if (verdict == OrleansDashboardAccess.Verdict.NeedsCredentials)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"Orleans Dashboard\", charset=\"UTF-8\"";
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
            }
        });
        app.MapOrleansDashboard(options.Path).WithMetadata(access);
        return app;
    }

    // Debug: a browser's first request before it asks for the password is refused too, and refusals must not flood the log.
    [LoggerMessage(1, LogLevel.Debug, "Refused the Orleans Dashboard to {RemoteAddress}: {Verdict}")]
    private static partial void LogRefused(ILogger logger, IPAddress? remoteAddress, OrleansDashboardAccess.Verdict verdict);
}

/// <summary>
/// The Orleans Dashboard's own DashboardGrain would take grain type "dashboard" by Orleans' naming
/// convention, which is our workspace dashboard grain's (its grain ids and stored state): the
/// silo refuses to start with both. The Orleans one gets a name of its own instead. Its assembly
/// is a part of every silo of this project, so its grain classes are found whether the dashboard
/// is enabled or not (registered with the grain services, which test clusters use too).
/// </summary>
internal sealed class OrleansDashboardGrainType : IGrainTypeProvider
{
    public const string Name = "orleans-dashboard";
    private const string ClassName = "Orleans.Dashboard.Implementation.Grains.DashboardGrain";

    public bool TryGetGrainType(Type type, out GrainType grainType)
    {
        grainType = type.FullName == ClassName ? GrainType.Create(Name) : default;
        return type.FullName == ClassName;
    }
}

/// <summary>
/// Who may see the Orleans Dashboard: with no password configured, connections from a loopback
/// address only; with one, whoever gives it (HTTP Basic, user <see cref="OrleansDashboardOptions.AdminUser"/>).
/// </summary>
public sealed class OrleansDashboardAccess(OrleansDashboardOptions options)
{
    public enum Verdict
    {
        Allowed,

        /// <summary>A password is configured and the request did not carry it.</summary>
        NeedsCredentials,

        /// <summary>No password is configured and the connection is not from a loopback address.</summary>
        NotLoopback,
    }

    private readonly byte[]? _expected = options.RequiresPassword ? Hash($"{OrleansDashboardOptions.AdminUser}:{options.Password}") : null;

    public Verdict Decide(IPAddress? remoteAddress, string? authorization)
    {
        if (_expected is null)
        {
            return IsLoopback(remoteAddress) ? Verdict.Allowed : Verdict.NotLoopback;
        }

        return BasicCredentials(authorization) is { } given && CryptographicOperations.FixedTimeEquals(Hash(given), _expected)
            ? Verdict.Allowed
            : Verdict.NeedsCredentials;
    }

    /// <summary>127.0.0.0/8, ::1 and their IPv4-mapped forms; a Unix socket (no address) is not loopback.</summary>
    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static string? BasicCredentials(string? authorization)
    {
        const string scheme = "Basic ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(authorization[scheme.Length..].Trim()));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Compared as hashes, so the comparison takes the same time whatever the length given.</summary>
    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
