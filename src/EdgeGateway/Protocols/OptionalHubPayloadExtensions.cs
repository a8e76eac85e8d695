using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Realtime.EdgeGateway.Protocols;

public static class OptionalHubPayloadExtensions
{
    /// <summary>
    /// Lets the hubs' optional-payload methods (one parameter, <c>= null</c>) be invoked with no arguments,
    /// over every hub protocol registered so far. Call it after the last Add...Protocol: each registered
    /// protocol is replaced by itself wrapped, so the resolver still finds exactly one protocol per name.
    /// </summary>
    public static ISignalRServerBuilder AddOptionalHubPayloads(this ISignalRServerBuilder builder, params Type[] hubTypes)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(OptionalPayloadMethods)))
        {
            // A second call would wrap the protocols twice.
            throw new InvalidOperationException($"{nameof(AddOptionalHubPayloads)} must be called once, with every hub type.");
        }

        var methods = OptionalPayloadMethods.Discover(hubTypes);
        services.AddSingleton(methods);

        for (var i = 0; i < services.Count; i++)
        {
            var protocol = services[i];
            if (protocol.ServiceType == typeof(IHubProtocol) && !protocol.IsKeyedService)
            {
                services[i] = ServiceDescriptor.Describe(
                    typeof(IHubProtocol),
                    sp => new OptionalPayloadHubProtocol(CreateInner(sp, protocol), methods),
                    protocol.Lifetime);
            }
        }

        return builder;
    }

    private static IHubProtocol CreateInner(IServiceProvider services, ServiceDescriptor protocol) =>
        (IHubProtocol)(protocol.ImplementationInstance
            ?? protocol.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, protocol.ImplementationType!));
}
