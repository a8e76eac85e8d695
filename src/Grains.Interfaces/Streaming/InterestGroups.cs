namespace Realtime.Grains.Streaming;

/// <summary>
/// Names of the interest groups of a workspace. In a large workspace, clients get a summary
/// instead of every change, plus the changes of the users they share something with: the
/// users they watch, the resource they view or edit, the conversations they type in.
/// </summary>
public static class InterestGroups
{
    /// <summary>
    /// Connections registered for the workspace's presence. A connection joins when the workspace's
    /// presence sync for it arrives (<see cref="EventAudience.JoinGroup"/>), so presence changes
    /// never go to sockets the workspace does not count yet: a storm of joins costs each socket
    /// only the changes after its own.
    /// </summary>
    public const string Presence = "presence";

    public static string WatchersOf(string userId) => $"watch:{userId}";

    public static string Resource(string resourceType, string resourceId) => $"resource:{resourceType}:{resourceId}";

    public static string Conversation(string conversationId) => $"conversation:{conversationId}";

    /// <summary>/inbox connections that subscribed to every conversation of the workspace.</summary>
    public const string Inbox = "inbox";

    /// <summary>/inbox connections that subscribed to one conversation.</summary>
    public static string InboxConversation(string conversationId) => $"inbox:{conversationId}";
}
