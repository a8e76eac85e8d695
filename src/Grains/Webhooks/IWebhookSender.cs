namespace Realtime.Grains.Webhooks;

/// <summary>Sends one webhook to one endpoint, signed; the silo host provides it.</summary>
public interface IWebhookSender
{
    /// <summary>True when the endpoint answered 2xx; false on any other answer, a timeout or a failed connection.</summary>
    Task<bool> SendAsync(WebhookEndpointOptions endpoint, WebhookEvent webhook, CancellationToken cancellationToken);
}
