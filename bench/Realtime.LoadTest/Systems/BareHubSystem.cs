using System.Globalization;
using Realtime.Grains.Hosting;
using Realtime.LoadTest.Metrics;
using Realtime.Testing;

namespace Realtime.LoadTest.Systems;

/// <summary>The reference: bench/Realtime.BareHub as its own process, and its broadcast endpoint.</summary>
public sealed class BareHubSystem : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private HostProcess? _process;

    private BareHubSystem(Uri url) => Url = url;

    public Uri Url { get; }

    public int Pid => _process!.Id;

    public static async Task<BareHubSystem> StartAsync()
    {
        var system = new BareHubSystem(new Uri($"http://127.0.0.1:{RedisServer.FreePort()}"));
        try
        {
            system._process = HostProcess.StartAt(Path.Combine("bench", "Realtime.BareHub"), "Realtime.BareHub.dll", new Dictionary<string, string>
            {
                ["Urls"] = system.Url.ToString(),
            });
            await system._process.WaitUntilHealthyAsync(new Uri(system.Url, HostEndpoints.Ready), StartTimeout);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>One group send of { seq, sentAt }, stamped now.</summary>
    public async Task BroadcastAsync(string group, string eventName, long seq)
    {
        var sentAt = WallClock.NowMicros();
        using var response = await _http.PostAsync(
            new Uri(Url, string.Create(CultureInfo.InvariantCulture, $"/broadcast?group={Uri.EscapeDataString(group)}&seq={seq}&sentAt={sentAt}&name={eventName}")), null);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_process is not null)
        {
            try
            {
                await _process.TerminateAsync(TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: DisposeAsync kills it.
            }

            await _process.DisposeAsync();
        }
    }
}
