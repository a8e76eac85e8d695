namespace Realtime.Grains.Streaming;

/// <summary>Event names of the wire contract (PROTOCOL.md), exactly as the seed spells them.</summary>
public static class RealtimeEvents
{
    public const string Connected = "connected";
    public const string Ping = "ping";
    public const string Pong = "pong";
    public const string PageNavigate = "page:navigate";
    public const string PresenceGet = "presence:get";
    public const string PresenceList = "presence:list";
    public const string PresenceUpdate = "presence:update";
}
