using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Realtime.Grains.Webhooks;
using StandardWebhooks;

namespace Realtime.Silo.Webhooks;

/// <summary>
/// POSTs a webhook as Standard Webhooks: the body <c>{ type, id, timestamp, workspaceId, userId?, data }</c>
/// with the webhook-id, webhook-timestamp (this attempt's time) and webhook-signature headers,
/// signed by the StandardWebhooks library with the endpoint's secret.
/// </summary>
public sealed partial class HttpWebhookSender(
    HttpClient http,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider,
    ILogger<HttpWebhookSender> logger) : IWebhookSender
{
    public const string HttpClientName = "realtime-webhooks";

    private readonly Dictionary<string, StandardWebhook> _signers = options.Value.Endpoints
        .ToDictionary(e => e.Url, e => new StandardWebhook(e.Secret), StringComparer.Ordinal);

    public async Task<bool> SendAsync(WebhookEndpointOptions endpoint, WebhookEvent webhook, CancellationToken cancellationToken)
    {
        var body = Body(webhook);
        var attemptedAt = timeProvider.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("webhook-id", webhook.Id);
        request.Headers.Add("webhook-timestamp", attemptedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", _signers[endpoint.Url].Sign(webhook.Id, attemptedAt, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            LogRefused(webhook.Type, webhook.Id, endpoint.Url, (int)response.StatusCode);
            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            LogUnreachable(webhook.Type, webhook.Id, endpoint.Url, ex.Message);
            return false;
        }
    }

    /// <summary>The body as the receiver sees it; <c>data</c> is the JSON the announcing grain wrote.</summary>
    public static string Body(WebhookEvent webhook)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", webhook.Type);
            json.WriteString("id", webhook.Id);
            json.WriteString("timestamp", webhook.Timestamp.UtcDateTime);
            json.WriteString("workspaceId", webhook.WorkspaceId);
            if (webhook.UserId is not null)
            {
                json.WriteString("userId", webhook.UserId);
            }

            json.WritePropertyName("data");
            json.WriteRawValue(webhook.DataJson);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    [LoggerMessage(1, LogLevel.Information, "Webhook {Type} {Id} to {Url} was answered {StatusCode}; retried later")]
    private partial void LogRefused(string type, string id, string url, int statusCode);

    [LoggerMessage(2, LogLevel.Information, "Webhook {Type} {Id} could not reach {Url} ({Reason}); retried later")]
    private partial void LogUnreachable(string type, string id, string url, string reason);
}
