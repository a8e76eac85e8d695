namespace Realtime.Grains.Presence;

/// <summary>What a user is doing right now: viewing, editing or commenting a resource.</summary>
[GenerateSerializer, Immutable, Alias("realtime.PresenceActivity")]
public sealed record PresenceActivity(
    [property: Id(0)] string Type,
    [property: Id(1)] string ResourceId,
    [property: Id(2)] string ResourceType,
    [property: Id(3)] DateTimeOffset At)
{
    public const string Viewing = "viewing";
    public const string Editing = "editing";
    public const string Commenting = "commenting";

    public static readonly IReadOnlyList<string> Types = [Viewing, Editing, Commenting];
}
