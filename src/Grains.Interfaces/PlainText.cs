namespace Realtime.Grains;

/// <summary>
/// Text that is stored and shown to other users (pages, notification titles and messages):
/// well-formed UTF-16 and no control characters (NUL, terminal escapes), except line breaks and
/// tabs where a text may span lines.
/// </summary>
public static class PlainText
{
    public static bool IsClean(string text, bool allowLineBreaks = false)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || (char.IsControl(c) && !(allowLineBreaks && c is '\n' or '\r' or '\t')))
            {
                return false;
            }
        }

        return true;
    }
}
