using System.Text;
using Xunit.Abstractions;

namespace Realtime.Tests.Soak;

/// <summary>Progress lines of a long run into the test's output, as they happen.</summary>
public sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void WriteLine(string? value) => output.WriteLine(value ?? "");
}
