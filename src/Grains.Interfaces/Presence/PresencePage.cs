namespace Realtime.Grains.Presence;

/// <summary>A page request over a workspace's members, in user id order.</summary>
[GenerateSerializer, Immutable, Alias("realtime.PresencePage")]
public sealed record PresencePage(
    [property: Id(0)] string? Cursor,
    [property: Id(1)] int Limit,
    [property: Id(2)] bool OnlineOnly)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}
