using Warden.Policy.Values;

namespace Warden.Policy.Authorization;

/// <summary>A Cedar authorization request: who (principal) wants to do what (action) to what (resource), with a context record.</summary>
public sealed class AuthorizationRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="principal">The principal.</param>
    /// <param name="action">The action.</param>
    /// <param name="resource">The resource.</param>
    /// <param name="context">The context record (empty when null).</param>
    public AuthorizationRequest(EntityUid principal, EntityUid action, EntityUid resource, CedarRecord? context = null)
    {
        Principal = principal ?? throw new ArgumentNullException(nameof(principal));
        Action = action ?? throw new ArgumentNullException(nameof(action));
        Resource = resource ?? throw new ArgumentNullException(nameof(resource));
        Context = context ?? CedarRecord.Empty;
    }

    /// <summary>The principal.</summary>
    public EntityUid Principal { get; }

    /// <summary>The action.</summary>
    public EntityUid Action { get; }

    /// <summary>The resource.</summary>
    public EntityUid Resource { get; }

    /// <summary>The context record.</summary>
    public CedarRecord Context { get; }

    /// <inheritdoc />
    public override string ToString() => $"principal={Principal}, action={Action}, resource={Resource}, context={Context}";
}
