using MessagePack;

namespace Realtime.IntegrationTests.Infrastructure;

// What a MessagePack client sees of the wire contract: keys exactly as docs/protocol.md spells them.

[MessagePackObject]
public sealed class PresenceView
{
    [Key("workspaceId")]
    public string WorkspaceId { get; set; } = "";

    [Key("users")]
    public List<UserView> Users { get; set; } = [];
}

[MessagePackObject]
public sealed class UserView
{
    [Key("userId")]
    public string UserId { get; set; } = "";

    [Key("status")]
    public string Status { get; set; } = "";

    [Key("currentPage")]
    public string? CurrentPage { get; set; }

    [Key("lastSeen")]
    public string LastSeen { get; set; } = "";
}

[MessagePackObject]
public sealed class PageView
{
    [Key("page")]
    public string Page { get; set; } = "";
}

[MessagePackObject]
public sealed class PageRequestView
{
    [Key("cursor")]
    public string? Cursor { get; set; }

    [Key("limit")]
    public int? Limit { get; set; }
}

[MessagePackObject]
public sealed class InboxSubscribeView
{
    [Key("conversationId")]
    public string? ConversationId { get; set; }
}

[MessagePackObject]
public sealed class InboxSubscribedView
{
    [Key("workspaceId")]
    public string WorkspaceId { get; set; } = "";

    [Key("conversationId")]
    public string? ConversationId { get; set; }

    [Key("conversation")]
    public ConversationView? Conversation { get; set; }
}

[MessagePackObject]
public sealed class ConversationView
{
    [Key("conversationId")]
    public string ConversationId { get; set; } = "";

    [Key("status")]
    public string Status { get; set; } = "";

    [Key("waitingSince")]
    public string? WaitingSince { get; set; }
}

[MessagePackObject]
public sealed class InboxMessageView
{
    [Key("conversationId")]
    public string ConversationId { get; set; } = "";

    [Key("messageId")]
    public string MessageId { get; set; } = "";

    [Key("fromCustomer")]
    public bool FromCustomer { get; set; }

    [Key("sentAt")]
    public string SentAt { get; set; } = "";
}
