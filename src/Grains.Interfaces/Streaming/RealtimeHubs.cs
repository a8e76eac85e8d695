namespace Realtime.Grains.Streaming;

/// <summary>The hubs (feature areas) an event is delivered on.</summary>
[Flags]
public enum RealtimeHubs
{
    None = 0,
    Realtime = 1,
    Notifications = 2,
    Presence = 4,
    Dashboard = 8,
    Inbox = 16,
    Metrics = 32,
}
