using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Realtime.Grains.Hosting;

namespace Realtime.EdgeGateway.Identity;

/// <summary>JWT bearer authentication and the workspace policy, as PROTOCOL.md describes.</summary>
public static class AuthenticationExtensions
{
    public static IServiceCollection AddRealtimeAuthentication(this IServiceCollection services, IConfiguration configuration, IEnumerable<string> hubPaths)
    {
        var jwt = configuration.GetValidated<JwtOptions>(JwtOptions.SectionName);
        services.AddSingleton(jwt);
        var paths = hubPaths.Select(p => new PathString(p)).ToArray();

        services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                // Keep claim names as issued ("sub", "workspaces", "role").
                options.MapInboundClaims = false;

                // Nothing reads the token back; saved, every connection would keep it.
                options.SaveToken = false;
                options.Authority = jwt.Authority;
                options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    IssuerSigningKey = jwt.SigningKey is null ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey)),
                    ValidateIssuerSigningKey = true,
                    ClockSkew = jwt.ClockSkew,
                    NameClaimType = RealtimeClaims.UserId,
                    RoleClaimType = RealtimeClaims.Role,
                };
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        // Browsers cannot set headers on WebSocket and SSE requests: take the query token on hub paths only.
                        string? token = context.Request.Query[RealtimeClaims.AccessTokenQuery];
                        if (!string.IsNullOrEmpty(token) && paths.Any(p => context.Request.Path.StartsWithSegments(p)))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        context.Principal = SlimPrincipal.From(context.Principal!, context.Scheme.Name);
                        return Task.CompletedTask;
                    },
                };
            });

        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, WorkspaceMemberHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(RealtimePolicies.WorkspaceMember, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new WorkspaceMemberRequirement(allowServiceRoles: false)))
            .AddPolicy(RealtimePolicies.WorkspaceReader, policy => policy
                .RequireAuthenticatedUser()
                .AddRequirements(new WorkspaceMemberRequirement(allowServiceRoles: true)))
            .AddPolicy(RealtimePolicies.Service, policy => policy
                .RequireAuthenticatedUser()
                .RequireRole(RealtimeRoles.Service, RealtimeRoles.Admin));

        return services;
    }
}
