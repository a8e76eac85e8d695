using System.Diagnostics.CodeAnalysis;

namespace Realtime.Grains;

/// <summary>
/// Rules for user and workspace ids, and the grain keys and group names built from them.
/// Ids never contain '/', so "workspace/user" keys cannot collide across workspaces.
/// </summary>
public static class RealtimeIds
{
    public const int MaxLength = 128;

    public static bool IsValid([NotNullWhen(true)] string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns <paramref name="id"/>, or throws ArgumentException if it is not a valid id.</summary>
    public static string EnsureValid(string id, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(id))] string? paramName = null) =>
        IsValid(id) ? id : throw new ArgumentException($"'{id}' is not a valid id: 1-{MaxLength} letters, digits or - _ . @ :", paramName);

    /// <summary>Key of the presence grain of one user in one workspace.</summary>
    public static string UserInWorkspace(string workspaceId, string userId) => $"{workspaceId}/{userId}";

    /// <summary>Key of a conversation grain: the same "workspaceId/id" shape, parsed by <see cref="ParseUserInWorkspace"/>.</summary>
    public static string ConversationInWorkspace(string workspaceId, string conversationId) => $"{workspaceId}/{conversationId}";

    public static (string WorkspaceId, string UserId) ParseUserInWorkspace(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new ArgumentException($"'{key}' is not a 'workspaceId/userId' key.", nameof(key));
        }

        return (key[..slash], key[(slash + 1)..]);
    }
}
