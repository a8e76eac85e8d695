using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace Realtime.Testing;

/// <summary>A webhook as a receiver got it: verified with the StandardWebhooks library against the secret, or not.</summary>
public sealed record ReceivedWebhook(string Path, string Id, long Timestamp, bool Verified, JsonElement Body, HttpStatusCode Answer)
{
    public string Type => Body.GetProperty("type").GetString()!;

    public string? UserId => Body.TryGetProperty("userId", out var user) ? user.GetString() : null;

    public string WorkspaceId => Body.GetProperty("workspaceId").GetString()!;

    public JsonElement Data => Body.GetProperty("data");

    public override string ToString() => $"{Answer} {Path} {Body}";
}

/// <summary>
/// A backend receiving webhooks: a real Kestrel on a loopback port that records every attempt and
/// answers what the test says (200 unless <see cref="Answer"/> says otherwise).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    /// <summary>A Standard Webhooks secret for tests: "whsec_" and base64 of 32 bytes.</summary>
    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Every attempt, including the ones answered with an error.</summary>
    public EventLog<ReceivedWebhook> Attempts { get; } = new();

    /// <summary>What to answer an attempt; 200 when null or when it returns null.</summary>
    public Func<ReceivedWebhook, HttpStatusCode?>? Answer { get; set; }

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}{path}");

    /// <summary>The attempts answered 2xx.</summary>
    public IReadOnlyList<ReceivedWebhook> Delivered() =>
        Attempts.Snapshot().Where(a => (int)a.Answer is >= 200 and < 300).ToList();

    public Task<ReceivedWebhook> WaitForDeliveredAsync(Func<ReceivedWebhook, bool> match, string because, TimeSpan? timeout = null) =>
        Attempts.WaitForAsync(a => (int)a.Answer is >= 200 and < 300 && match(a), because, timeout);

    /// <summary>Starts on <paramref name="port"/> (0 for any), so a test can point a silo at a receiver that is not up yet.</summary>
    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            bool verified;
            try
            {
                new StandardWebhook(Secret).Verify(body, context.Request.Headers);
                verified = true;
            }
            catch (Exception)
            {
                verified = false;
            }

            var attempt = new ReceivedWebhook(
                context.Request.Path,
                context.Request.Headers["webhook-id"].ToString(),
                long.TryParse(context.Request.Headers["webhook-timestamp"], out var timestamp) ? timestamp : 0,
                verified,
                JsonDocument.Parse(body).RootElement.Clone(),
                HttpStatusCode.OK);
            var answer = receiver!.Answer?.Invoke(attempt) ?? HttpStatusCode.OK;
            receiver.Attempts.Add(attempt with { Answer = answer });
            return Results.StatusCode((int)answer);
        });
        await app.StartAsync();
        var bound = new Uri(app.Urls.First()).Port;
        receiver = new WebhookReceiver(app, bound);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
