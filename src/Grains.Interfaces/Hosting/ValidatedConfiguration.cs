using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Realtime.Grains.Hosting;

/// <summary>
/// The one way settings are wired: each options class is bound from its section with
/// <see cref="OptionsBuilder{TOptions}"/>, validated at start, and read through <see cref="IOptions{TOptions}"/>.
/// A bad value stops the process before anything starts, with a message naming the setting
/// ("Cluster:GatewayPort: ...").
/// </summary>
public static class ValidatedConfiguration
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="sectionName"/> and validates it (data
    /// annotations and <see cref="IValidatableObject"/>) when the host starts. Chain more
    /// <c>Validate</c> calls for rules that span sections.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string sectionName)
        where T : class
    {
        // Instead of ValidateDataAnnotations: the same checks, with messages naming "Section:Setting".
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new SectionOptionsValidator<T>(sectionName)));
        return services.AddOptions<T>()
            .Bind(configuration.GetSection(sectionName))
            .ValidateOnStart();
    }

    /// <summary>
    /// The section's value now, validated as <see cref="AddValidatedOptions{T}"/> validates it. Only
    /// for what a host decides while it is being built (which providers, which exporters); register
    /// the section with <see cref="AddValidatedOptions{T}"/> too, so services read it as everyone else does.
    /// </summary>
    public static T GetValidated<T>(this IConfiguration configuration, string sectionName)
        where T : class, new()
    {
        T value;
        try
        {
            value = configuration.GetSection(sectionName).Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(sectionName, typeof(T), [ex.Message]);
        }

        var result = new SectionOptionsValidator<T>(sectionName).Validate(Options.DefaultName, value);
        return result.Failed ? throw new OptionsValidationException(sectionName, typeof(T), result.Failures.ToArray()) : value;
    }
}

/// <summary>Data annotations and <see cref="IValidatableObject"/> of one section, each failure as "Section:Setting: message".</summary>
public sealed class SectionOptionsValidator<T>(string sectionName) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r => $"{sectionName}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
    }
}
