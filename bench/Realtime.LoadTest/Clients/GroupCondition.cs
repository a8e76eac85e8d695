namespace Realtime.LoadTest.Clients;

/// <summary>What a group of clients is waited for: every client sees Value users online, or Value deliveries in all.</summary>
public sealed record GroupCondition(GroupConditionKind Kind, long Value)
{
    public static GroupCondition EveryoneSeesOnline(int users) => new(GroupConditionKind.Online, users);

    public static GroupCondition EveryoneWarmedUp(int warmups) => new(GroupConditionKind.WarmedUp, warmups);

    public static GroupCondition TotalReceived(long deliveries) => new(GroupConditionKind.TotalReceived, deliveries);
}

public enum GroupConditionKind
{
    Online,
    TotalReceived,
    WarmedUp,
}
