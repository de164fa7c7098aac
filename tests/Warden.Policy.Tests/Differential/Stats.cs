namespace Warden.Policy.Tests.Differential;

/// <summary>What a run reached, by cedar-wasm's answers: proof that the generator exercises every outcome.</summary>
internal sealed class Stats
{
    public int Cases { get; private set; }

    public int Unparsed { get; private set; }

    public int Requests { get; private set; }

    public int Refused { get; private set; }

    public int Allows { get; private set; }

    public int ForbidDenies { get; private set; }

    public int DefaultDenies { get; private set; }

    public int WithErrors { get; private set; }

    public int DeterminingPolicies { get; private set; }

    public int ErroringPolicies { get; private set; }

    public int Valid { get; private set; }

    public int Invalid { get; private set; }

    /// <summary>Policies cedar-wasm finds invalid, over all validation cases.</summary>
    public int InvalidPolicies { get; private set; }

    /// <summary>Policies cedar-wasm 4.13 validates with the "no applicable action" warning (an error in Warden and the corpus).</summary>
    public int NoApplicableAction { get; private set; }

    /// <summary>Counts one case's answers.</summary>
    public void Add(IReadOnlyList<Outcome> answers)
    {
        Cases++;
        if (answers.Count > 0 && !answers[0].Parsed)
        {
            Unparsed++;
        }

        foreach (var a in answers)
        {
            Requests++;
            if (!a.Parsed)
            {
                continue;
            }

            if (!a.Accepted)
            {
                Refused++;
                continue;
            }

            if (a.Decision is "valid" or "invalid")
            {
                _ = a.Decision == "valid" ? Valid++ : Invalid++;
                NoApplicableAction += a.VersionDifference.Length;
                InvalidPolicies += a.Errors.Length;
                continue;
            }

            DeterminingPolicies += a.Reasons.Length;
            ErroringPolicies += a.Errors.Length;
            if (a.Decision == "allow")
            {
                Allows++;
            }
            else if (a.Reasons.Length > 0)
            {
                ForbidDenies++;
            }
            else
            {
                DefaultDenies++;
            }

            if (a.Errors.Length > 0)
            {
                WithErrors++;
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Cases} cases ({Unparsed} not parsing), {Requests} requests: {Allows} allow, {ForbidDenies} deny by forbid, " +
        $"{DefaultDenies} default deny, {Refused} refused, {WithErrors} with erroring policies " +
        $"({DeterminingPolicies} determining and {ErroringPolicies} erroring policy verdicts)" +
        (Valid + Invalid > 0
            ? $", {Valid} valid, {Invalid} invalid ({InvalidPolicies} invalid policies), {NoApplicableAction} policies warned \"no applicable action\" by cedar-wasm 4.13 " +
              "(an error in Warden and the corpus: the documented version difference, required on both sides)"
            : "");
}
