using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Realtime.Grains.Hosting;

/// <summary>
/// Binds an options section and validates it at once, so that a bad value stops the process
/// before anything starts, with a message naming the setting ("Cluster:GatewayPort: ...").
/// Hosts need some options while they are being built (to pick providers), hence eager.
/// </summary>
public static class ValidatedConfiguration
{
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

        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            return value;
        }

        var failures = results
            .Select(r => $"{sectionName}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")
            .ToArray();
        throw new OptionsValidationException(sectionName, typeof(T), failures);
    }
}
