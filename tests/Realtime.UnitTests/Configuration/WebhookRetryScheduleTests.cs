using Realtime.Grains.Webhooks;

namespace Realtime.UnitTests.Configuration;

/// <summary>The retry schedule of a failing webhook: doubling from the first delay, capped, and retried for a day by default.</summary>
[Trait("Kind", "Unit")]
public sealed class WebhookRetryScheduleTests
{
    [Fact]
    public void Delays_double_from_the_first_up_to_the_cap()
    {
        var options = new WebhookOptions { FirstRetryDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromMinutes(1) };

        var delays = Enumerable.Range(1, 7).Select(options.RetryDelay).ToList();

        Assert.Equal(
            [5, 10, 20, 40, 60, 60, 60],
            delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public void By_default_a_failing_webhook_is_tried_for_a_day_about_once_an_hour_at_the_end()
    {
        var options = new WebhookOptions();
        var elapsed = TimeSpan.Zero;
        var attempts = 1;
        while (elapsed < options.RetryFor)
        {
            elapsed += options.RetryDelay(attempts++);
        }

        Assert.Equal(TimeSpan.FromDays(1), options.RetryFor);
        Assert.Equal(TimeSpan.FromHours(1), options.RetryDelay(attempts));
        Assert.InRange(attempts, 25, 40);
    }
}
