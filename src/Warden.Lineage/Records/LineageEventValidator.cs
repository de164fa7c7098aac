namespace Warden.Lineage.Records;

/// <summary>Checks an event before it joins a chain; a bad event is refused with an error naming the field.</summary>
public static class LineageEventValidator
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field of <paramref name="evt"/>.</summary>
    public static void Validate(LineageEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (Check(evt) is { } error)
        {
            throw new ArgumentException(error.Message, error.Field);
        }
    }

    /// <summary>The first invalid field of <paramref name="evt"/> and why, or null when the event is valid.</summary>
    public static (string Field, string Message)? Check(LineageEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (IdError(evt.TenantId, required: true) is { } tenantError)
        {
            return ("TenantId", tenantError);
        }

        if (evt.Kind == LineageEventKind.Unspecified || !Enum.IsDefined(evt.Kind))
        {
            return ("Kind", $"Unknown event kind {(int)evt.Kind}.");
        }

        if (evt.OccurredAt < DateTimeOffset.UnixEpoch)
        {
            return ("OccurredAt", "The time is before 1970 (an unset clock?).");
        }

        if (!Enum.IsDefined(evt.Decision))
        {
            return ("Decision", $"Unknown decision {(int)evt.Decision}.");
        }

        if (IdError(evt.AgentId, required: false) is { } agentError)
        {
            return ("AgentId", agentError);
        }

        if (IdError(evt.SessionId, required: false) is { } sessionError)
        {
            return ("SessionId", sessionError);
        }

        if (evt.Kind == LineageEventKind.Decision)
        {
            if (string.IsNullOrEmpty(evt.Action))
            {
                return ("Action", "A decision record needs the action.");
            }

            if (string.IsNullOrEmpty(evt.Resource))
            {
                return ("Resource", "A decision record needs the resource.");
            }

            if (evt.Decision == LineageDecision.None)
            {
                return ("Decision", "A decision record needs its outcome.");
            }
        }

        if (evt.Kind == LineageEventKind.Revocation)
        {
            if (evt.Revocation is null)
            {
                return ("Revocation", "A revocation record needs who, which scope, why and when it took effect.");
            }

            if (string.IsNullOrEmpty(evt.Revocation.RevokedBy))
            {
                return ("Revocation.RevokedBy", "Who revoked is required.");
            }

            if (evt.Revocation.Scope == RevocationScope.Unspecified || !Enum.IsDefined(evt.Revocation.Scope))
            {
                return ("Revocation.Scope", $"Unknown revocation scope {(int)evt.Revocation.Scope}.");
            }

            if (string.IsNullOrEmpty(evt.Revocation.TargetId))
            {
                return ("Revocation.TargetId", "The revoked session, agent or tenant id is required.");
            }

            if (evt.Revocation.Reason is null)
            {
                return ("Revocation.Reason", "The reason is required.");
            }
        }

        if (evt.Intent is { Task: null })
        {
            return ("Intent.Task", "The intent's task text is required when an intent is given.");
        }

        if (ContainsNull(evt.Reasons))
        {
            return ("Reasons", "Reasons must be a list of non-null strings.");
        }

        if (ContainsNull(evt.PolicyIds))
        {
            return ("PolicyIds", "Policy ids must be a list of non-null strings.");
        }

        if (evt.Step is { } step)
        {
            if (step.SessionSequence < 1)
            {
                return ("Step.SessionSequence", "A session sequence starts at 1.");
            }

            if (evt.SessionId is null)
            {
                return ("Step", "A session step needs the session id.");
            }

            if (ContainsNull(step.Labels))
            {
                return ("Step.Labels", "Labels must be a list of non-null strings.");
            }
        }

        return null;
    }

    // True for a null list or a list holding a null. An index loop: these lists are often boxed ImmutableArrays,
    // which LINQ would enumerate through an allocated enumerator, for every record appended.
    private static bool ContainsNull(IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return true;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is null)
            {
                return true;
            }
        }

        return false;
    }

    private static string? IdError(string? id, bool required)
    {
        if (id is null)
        {
            return required ? "Required." : null;
        }

        if (id.Length == 0)
        {
            return "Must not be empty.";
        }

        if (id.Length > LineageLimits.MaxIdLength)
        {
            return $"At most {LineageLimits.MaxIdLength} characters.";
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return "Must not contain control characters.";
            }
        }

        return null;
    }
}
