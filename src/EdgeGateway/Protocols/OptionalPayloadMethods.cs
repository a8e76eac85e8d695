using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.SignalR;

namespace Realtime.EdgeGateway.Protocols;

/// <summary>
/// Hub methods that may be invoked without their payload: exactly one parameter, defaulting to null
/// (<c>Method(Request? request = null)</c>). Discovered once from the hub types.
/// </summary>
public sealed class OptionalPayloadMethods
{
    private readonly FrozenSet<string> _names;

    private OptionalPayloadMethods(FrozenSet<string> names) => _names = names;

    /// <summary>Invocation targets, as clients spell them.</summary>
    public IReadOnlyCollection<string> Names => _names;

    /// <summary>Case-insensitive, as SignalR resolves hub method names.</summary>
    public bool Contains(string target) => _names.Contains(target);

    public static OptionalPayloadMethods Discover(IEnumerable<Type> hubTypes)
    {
        ArgumentNullException.ThrowIfNull(hubTypes);
        var names = new List<string>();
        foreach (var hubType in hubTypes)
        {
            if (!typeof(Hub).IsAssignableFrom(hubType))
            {
                throw new ArgumentException($"{hubType} is not a SignalR hub.", nameof(hubTypes));
            }

            foreach (var method in HubMethods(hubType))
            {
                if (method.GetParameters() is [{ HasDefaultValue: true } parameter])
                {
                    EnsureDefaultsToNull(method, parameter);
                    names.Add(method.GetCustomAttribute<HubMethodNameAttribute>()?.Name ?? method.Name);
                }
            }
        }

        return new OptionalPayloadMethods(names.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
    }

    // The same selection as SignalR's own discovery: public instance methods not inherited from Hub or object.
    private static IEnumerable<MethodInfo> HubMethods(Type hubType)
    {
        var disposeMethods = typeof(IDisposable).IsAssignableFrom(hubType)
            ? hubType.GetInterfaceMap(typeof(IDisposable)).TargetMethods
            : [];

        return hubType.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m =>
        {
            var declaring = m.GetBaseDefinition().DeclaringType!;
            var baseType = declaring.IsGenericType ? declaring.GetGenericTypeDefinition() : declaring;
            return !m.IsSpecialName && baseType != typeof(object) && baseType != typeof(Hub) && baseType != typeof(Hub<>)
                && !disposeMethods.Contains(m);
        });
    }

    // Only null can stand in for a missing payload; another default would be silently ignored, so refuse it at startup.
    private static void EnsureDefaultsToNull(MethodInfo method, ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        var nullable = !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        if (parameter.DefaultValue is not null || !nullable)
        {
            throw new NotSupportedException(
                $"{method.DeclaringType}.{method.Name}: an optional hub payload must be a nullable parameter defaulting to null.");
        }
    }
}
