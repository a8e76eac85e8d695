using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using MessagePack;

namespace Realtime.IntegrationTests.Security.Malformed;

/// <summary>
/// The edge's log entries at Error and above that carry an exception SignalR does not expect from
/// bad client input: a crash in our code (NullReference, InvalidCast, ...) shows up here even when
/// the client only sees a generic error or a close.
/// </summary>
public sealed class ServerErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _unexpected = new();

    public IReadOnlyList<string> Unexpected => [.. _unexpected];

    /// <summary>Refused input, as SignalR reports it: hub errors, binding and protocol parse failures.</summary>
    public static bool IsExpected(Exception exception) => exception is HubException or InvalidDataException or System.Text.Json.JsonException
        or MessagePackSerializationException or OperationCanceledException
        || (exception.InnerException is { } inner && IsExpected(inner));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _unexpected);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> unexpected) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && (exception is null || !IsExpected(exception)))
            {
                unexpected.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
