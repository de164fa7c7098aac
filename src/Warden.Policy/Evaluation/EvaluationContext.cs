using Warden.Policy.Entities;
using Warden.Policy.Values;

namespace Warden.Policy.Evaluation;

/// <summary>
/// Per-request evaluation state, passed by reference through the compiled nodes. An error is recorded in
/// <see cref="Error"/> and signalled by returning the default <see cref="CedarValue"/>; it is never thrown.
/// </summary>
internal struct EvaluationContext
{
    public EvaluationContext(EntityUid principal, EntityUid action, EntityUid resource, CedarRecord context, EntityStore entities)
    {
        Principal = principal;
        Action = action;
        Resource = resource;
        Context = CedarValue.FromRecord(context);
        Entities = entities;
        PrincipalEntity = entities.Find(principal);
        ActionEntity = entities.Find(action);
        ResourceEntity = entities.Find(resource);
        Error = null;
    }

    public EntityUid Principal { get; }

    public EntityUid Action { get; }

    public EntityUid Resource { get; }

    public CedarValue Context { get; }

    public EntityStore Entities { get; }

    public StoredEntity? PrincipalEntity { get; }

    public StoredEntity? ActionEntity { get; }

    public StoredEntity? ResourceEntity { get; }

    /// <summary>The first error of the expression being evaluated, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>Records an error and returns the error marker (the default value).</summary>
    public CedarValue Fail(string message)
    {
        Error ??= message;
        return default;
    }

    public void ClearError() => Error = null;

    /// <summary>The stored entity for a uid, reusing the request's own lookups.</summary>
    public readonly StoredEntity? FindEntity(EntityUid uid)
    {
        if (ReferenceEquals(uid, Principal))
        {
            return PrincipalEntity;
        }

        if (ReferenceEquals(uid, Resource))
        {
            return ResourceEntity;
        }

        if (ReferenceEquals(uid, Action))
        {
            return ActionEntity;
        }

        return Entities.Find(uid);
    }
}
