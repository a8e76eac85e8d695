using Realtime.Testing.Wire;

namespace Realtime.LoadTest.Clients;

/// <summary>
/// What a client built on <see cref="LoadClient"/> keeps beside its counters, told from its receive
/// loop. With a hook set, the JSON parser also reads <c>recoveryPosition</c> and <c>recovered</c>.
/// </summary>
public interface IReceiveHook
{
    /// <summary>Every invocation (its target <see cref="HubTarget.Other"/> when not one the load client tells apart), before it is counted or marks the client ready.</summary>
    void OnInvocation(in HubMessage message);

    /// <summary>A tick or notification seq received for the first time, before <see cref="LoadClient.Received"/> counts it.</summary>
    void OnFirstArrival(in HubMessage message);
}
