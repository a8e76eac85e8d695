using Microsoft.Extensions.Options;

namespace Realtime.IntegrationTests.EndToEnd;

/// <summary>Bad Inbox settings stop the silo before it starts, with a message naming the setting.</summary>
[Trait("Kind", "Integration")]
public sealed class InboxSettingsTests
{
    [Theory]
    [InlineData("Inbox:TypingTimeout", "00:10:00", "Inbox:TypingTimeout")]
    [InlineData("Inbox:SlaReminderPeriod", "00:00:10", "Silo:MinimumReminderPeriod")]
    public async Task A_bad_inbox_setting_stops_the_silo_with_a_message_naming_it(string key, string value, string mentions)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            RealtimeSystem.StartEmbeddedAsync(siloSettings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(mentions, error.Message, StringComparison.Ordinal);
    }
}
