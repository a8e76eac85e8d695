namespace Realtime.TestFixtures;

/// <summary>Test-only grain proving the configured reminder service (in memory or Redis) fires.</summary>
[Alias("realtime.tests.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    [Alias("Start")]
    Task Start(TimeSpan period);

    [Alias("Stop")]
    Task Stop();

    [Alias("GetTicks")]
    Task<int> GetTicks();
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private const string ReminderName = "probe";

    // Kept in the reminder service's own record of ticks is not possible; a static survives reactivation within the test process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Ticks = new();

    public Task Start(TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task Stop() => await this.UnregisterReminder(await this.GetReminder(ReminderName) ?? throw new InvalidOperationException("No reminder."));

    public Task<int> GetTicks() => Task.FromResult(Ticks.GetValueOrDefault(this.GetPrimaryKeyString()));

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
