using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Realtime.Grains.Hosting;

namespace Realtime.EdgeGateway.Identity;

/// <summary>JWT bearer authentication and the authorization policies, as docs/protocol.md and docs/security.md describe.</summary>
public static class AuthenticationExtensions
{
    public static IServiceCollection AddRealtimeAuthentication(this IServiceCollection services, IConfiguration configuration, IEnumerable<string> hubPaths)
    {
        services.AddValidatedOptions<JwtOptions>(configuration, JwtOptions.SectionName);

        // Before anything logs the URL, browsers' query tokens become headers (hub paths) or are dropped.
        var paths = hubPaths.ToArray();
        services.AddSingleton<IHttpContextFactory>(sp => new QueryTokenHttpContextFactory(sp, paths));

        services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((options, jwtOptions) =>
            {
                var jwt = jwtOptions.Value;

                // Keep claim names as issued ("sub", "workspaces", "role").
                options.MapInboundClaims = false;

                // Nothing reads the token back; saved, every connection would keep it.
                options.SaveToken = false;
                options.Authority = NullIfEmpty(jwt.Authority);
                options.MetadataAddress = NullIfEmpty(jwt.MetadataAddress)!;
                options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;

                // Keys of the authority: fetched again periodically, and at once (at most once per
                // minimum interval) when a token names a key not known yet, i.e. after a rotation.
                options.RefreshOnIssuerKeyNotFound = true;
                options.AutomaticRefreshInterval = jwt.KeyRefreshInterval;
                options.RefreshInterval = jwt.KeyRefreshMinimumInterval;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = string.IsNullOrEmpty(jwt.SigningKey) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey)),
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    ClockSkew = jwt.ClockSkew,
                    NameClaimType = RealtimeClaims.UserId,
                    RoleClaimType = RealtimeClaims.Role,
                };
                options.EventsType = typeof(RealtimeJwtEvents);
            });
        services.AddSingleton<RealtimeJwtEvents>();

        services.AddSingleton<IAuthorizationHandler, WorkspaceMemberHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(RealtimePolicies.WorkspaceMember, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new WorkspaceMemberRequirement(allowAcrossWorkspaces: false)))
            .AddPolicy(RealtimePolicies.WorkspaceReader, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new WorkspaceMemberRequirement(allowAcrossWorkspaces: true)))
            .AddPolicy(RealtimePolicies.Service, policy => policy
                .RequireAuthenticatedUser()
                .RequireRole(RealtimeRoles.AcrossWorkspaces));

        // Hub calls: added here, before the limits' and the other hub filters (it passes
        // connections through untouched), so that a refused call reaches none of them.
        services.AddSingleton<HubMethodPolicyFilter>();
        services.Configure<HubOptions>(hubs => hubs.AddFilter<HubMethodPolicyFilter>());

        return services;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
