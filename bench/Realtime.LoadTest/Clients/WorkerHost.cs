using System.Text.Json;

namespace Realtime.LoadTest.Clients;

/// <summary>The worker side (`Realtime.LoadTest worker`): holds a LocalClientGroup and obeys the parent's commands.</summary>
public static class WorkerHost
{
    public static async Task<int> RunAsync(TextReader input, TextWriter output)
    {
        var spec = WorkerProtocol.Read<ClientSpec>(await input.ReadLineAsync() ?? throw new InvalidDataException("No spec."));
        await using var group = new LocalClientGroup(spec);
        var timeout = TimeSpan.FromSeconds(double.Parse(await input.ReadLineAsync() ?? "60", System.Globalization.CultureInfo.InvariantCulture));
        await output.WriteLineAsync(WorkerProtocol.Answer(await group.ConnectAsync(timeout)));
        await output.FlushAsync();

        // Bounded: a parent that vanishes closes stdin, which ends the loop.
        while (await input.ReadLineAsync() is { } line && line != "exit")
        {
            var space = line.IndexOf(' ');
            var command = space < 0 ? line : line[..space];
            var answer = command switch
            {
                "wait" => WorkerProtocol.Answer(await WaitAsync(group, line[(space + 1)..])),
                "report" => WorkerProtocol.Answer(await group.ReportAsync()),
                _ => WorkerProtocol.Answer($"unknown command {command}"),
            };
            await output.WriteLineAsync(answer);
            await output.FlushAsync();
        }

        return 0;
    }

    private static Task<bool> WaitAsync(LocalClientGroup group, string json)
    {
        var request = WorkerProtocol.Read<WaitRequest>(json);
        return group.WaitUntilAsync(request.Condition, TimeSpan.FromSeconds(request.TimeoutSeconds));
    }
}

public sealed record WaitRequest(GroupCondition Condition, double TimeoutSeconds)
{
    public string ToJson() => JsonSerializer.Serialize(this, WorkerProtocol.Json);
}
