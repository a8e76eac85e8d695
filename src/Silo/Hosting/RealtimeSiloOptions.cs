using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Realtime.Silo.Hosting;

/// <summary>Settings of one silo process. Section "Silo".</summary>
public sealed class RealtimeSiloOptions : IValidatableObject
{
    public const string SectionName = "Silo";

    /// <summary>Port silos talk to each other on.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Address other silos and edges reach this silo at (Redis clustering); loopback by default.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Grain state, including the PubSubStore of stream subscriptions.</summary>
    public StorageProvider Persistence { get; set; } = StorageProvider.Memory;

    public StorageProvider Reminders { get; set; } = StorageProvider.Memory;

    /// <summary>
    /// How often stream pulling agents look for new events. Memory streams poll; the Orleans
    /// default of 100 ms would add that much to every grain-to-edge hop.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:05")]
    public TimeSpan StreamPollingPeriod { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Events a stream pulling agent hands an edge in one call, at most (what is waiting, not a
    /// wait for more). The agent waits for each call's answer before the next: one event a call
    /// (Orleans' default) capped an edge at one round trip per event, about 3,000 events a second
    /// here, and delivery queued behind it.
    /// </summary>
    [Range(1, 1024)]
    public int StreamDeliveryBatchSize { get; set; } = 32;

    /// <summary>Lowest reminder period accepted; Orleans refuses under 1 minute unless lowered (tests do).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MinimumReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Run under Orleans Kubernetes hosting: silo name, advertised address (POD_IP) and listening
    /// endpoints come from the pod, ClusterId/ServiceId from ORLEANS_CLUSTER_ID/ORLEANS_SERVICE_ID
    /// when set, and silos whose pods are gone are declared dead. Needs Cluster:Clustering Redis
    /// and a service account allowed to read pods. Off by default.
    /// </summary>
    public bool KubernetesHosting { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return new ValidationResult("must be an IP address.", [nameof(AdvertisedAddress)]);
        }
    }
}
