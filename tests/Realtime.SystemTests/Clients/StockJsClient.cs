using System.Text.Json;

namespace Realtime.SystemTests.Clients;

/// <summary>
/// The stock <c>@microsoft/signalr</c> JavaScript client, run by Node.js from the browser
/// client's dependencies in clients/js (stock-signalr-client.mjs), with automatic reconnect on. What it reports
/// (events it was sent, its state changes) is kept as JSON lines to wait on.
/// </summary>
public sealed class StockJsClient : IAsyncDisposable
{
    private readonly NodeScript _node;

    private StockJsClient(NodeScript node) => _node = node;

    /// <summary>What the client reported, in order: <c>{ kind: "event", name, payload }</c> or <c>{ kind: "state", state, ... }</c>.</summary>
    public EventLog<JsonElement> Reports => _node.Lines;

    public static Task<StockJsClient> ConnectAsync(Uri hubUrl, string token, params string[] record) =>
        ConnectAsync(hubUrl, token, recover: false, record);

    /// <summary>
    /// With <paramref name="recover"/>, the client keeps the last <c>recoveryPosition</c> of the
    /// events it records and passes it back (<c>recover</c>) when it reconnects.
    /// </summary>
    public static async Task<StockJsClient> ConnectAsync(Uri hubUrl, string token, bool recover, params string[] record)
    {
        var environment = new Dictionary<string, string>
        {
            ["SIGNALR_FROM"] = Path.Combine(HostProcess.SolutionRoot(), "clients", "js"),
            ["HUB_URL"] = hubUrl.ToString(),
            ["ACCESS_TOKEN"] = token,
            ["RECORD"] = string.Join(',', record),
        };
        if (recover)
        {
            environment["RECOVER"] = "1";
        }

        var client = new StockJsClient(NodeScript.Start(
            AppContext.BaseDirectory,
            Path.Combine(AppContext.BaseDirectory, "Clients", "stock-signalr-client.mjs"),
            environment));
        var started = await client.Reports.WaitForAsync(r => r.GetProperty("kind").GetString() == "state", "the JS client to start");
        if (started.GetProperty("state").GetString() != "connected")
        {
            throw new InvalidOperationException($"The JS client did not connect: {started}");
        }

        return client;
    }

    /// <summary>Waits for the state report <paramref name="state"/>.</summary>
    public Task<JsonElement> WaitForStateAsync(string state) =>
        Reports.WaitForAsync(r => IsState(r, state), $"the JS client to be {state}");

    public bool Reported(string state) => Reports.Snapshot().Any(r => IsState(r, state));

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private static bool IsState(JsonElement report, string state) =>
        report.GetProperty("kind").GetString() == "state" && report.GetProperty("state").GetString() == state;
}
