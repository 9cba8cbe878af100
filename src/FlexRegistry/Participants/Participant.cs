using FlexRegistry.Events;
using FlexRegistry.Shared;

namespace FlexRegistry.Participants;

/// <summary>A registered organisation (or individual): the participant register's aggregate.</summary>
public sealed class Participant : EventSource
{
    private static readonly string[] CommercialInformationChanged = ["commercialInformation"];
    private readonly List<string> _roles = [];

    private Participant() { }

    public ParticipantId Id { get; private set; }
    public string LegalName { get; private set; } = "";

    /// <summary>The legal name reduced for matching (see <see cref="OrganisationName.Normalise"/>).</summary>
    public string NormalisedName { get; private set; } = "";

    /// <summary>The legal name as the directory searches it (see <see cref="OrganisationName.SearchKey"/>).</summary>
    public string SearchName { get; private set; } = "";

    /// <summary>Canonical identity keys; unique indexes over them make "one ID per organisation" a database rule.</summary>
    public string? CompanyNumber { get; private set; }
    public string? EicCode { get; private set; }
    public string? VatNumber { get; private set; }

    /// <summary>A sole trader or person registering without a company: their address is personal data.</summary>
    public bool Individual { get; private set; }

    public Address RegisteredAddress { get; private set; } = null!;
    public string ContactEmail { get; private set; } = "";
    public AuthorisedPerson AuthorisedPerson { get; private set; } = null!;
    public IReadOnlyList<string> Roles => _roles;
    public ParticipantStatus Status { get; private set; }
    public ParticipantId? MergedInto { get; private set; }
    public VerificationState Verification { get; private set; } = null!;
    public DateTimeOffset RegisteredAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>App-managed optimistic concurrency token (portable across SQLite and PostgreSQL).</summary>
    public Guid Version { get; private set; }

    public bool IsRegistryOperator => _roles.Contains(ParticipantRole.RegistryOperator);

    public static Participant Register(
        string legalName,
        CompanyNumber? companyNumber,
        Eic? eic,
        VatNumber? vat,
        bool individual,
        Address registeredAddress,
        Email contactEmail,
        AuthorisedPerson authorisedPerson,
        IEnumerable<string> roles,
        DateTimeOffset now)
    {
        var participant = new Participant
        {
            Id = ParticipantId.New(),
            LegalName = legalName.Trim(),
            NormalisedName = OrganisationName.Normalise(legalName),
            SearchName = OrganisationName.SearchKey(legalName),
            CompanyNumber = companyNumber?.Value,
            EicCode = eic?.Value,
            VatNumber = vat?.Value,
            Individual = individual,
            RegisteredAddress = registeredAddress,
            ContactEmail = contactEmail.Value,
            AuthorisedPerson = authorisedPerson,
            Status = ParticipantStatus.Provisional,
            // Always queued: the worker either verifies it or sends it to manual review (raising an event either way).
            Verification = VerificationState.Queued(now),
            RegisteredAt = now,
            UpdatedAt = now,
            Version = Guid.NewGuid(),
        };
        participant._roles.AddRange(roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        participant.Record("participant.registered", participant.Id.Value,
            new Dictionary<string, object?> { ["participantId"] = participant.Id.Value, ["status"] = "provisional", ["roles"] = participant._roles.ToArray() },
            participant.Id.Value);
        return participant;
    }

    /// <summary>The registry operator's own participant record, created at bootstrap.</summary>
    public static Participant RegistryOperatorRecord(string legalName, DateTimeOffset now)
    {
        var participant = new Participant
        {
            Id = ParticipantId.New(),
            LegalName = legalName,
            NormalisedName = OrganisationName.Normalise(legalName),
            SearchName = OrganisationName.SearchKey(legalName),
            RegisteredAddress = new Address("Registry operator", null, "London", "SW1A 1AA"),
            ContactEmail = "operator@registry.invalid",
            AuthorisedPerson = new AuthorisedPerson("Registry operator", "operator@registry.invalid"),
            Status = ParticipantStatus.Active,
            Verification = VerificationState.Completed("bootstrap", "Created by the service as the registry operator.", now),
            RegisteredAt = now,
            UpdatedAt = now,
            Version = Guid.NewGuid(),
        };
        participant._roles.Add(ParticipantRole.RegistryOperator);
        return participant;
    }

    /// <summary>The automatic verifier confirmed the organisation: the provisional ID becomes confirmed.</summary>
    public StatusChange? CompleteVerification(string source, string summary, DateTimeOffset now)
    {
        Verification = VerificationState.Completed(source, summary, now);
        return Status == ParticipantStatus.Provisional
            ? Move(ParticipantStatus.Active, "participant.verified", $"Verified by {source}: {summary}", $"verifier:{source}", now)
            : Touch(now);
    }

    public void SendToManualReview(string reason, DateTimeOffset now)
    {
        Verification = VerificationState.ManualReview(reason, now);
        Touch(now);
        Record("participant.verification_review_required", Id.Value,
            new Dictionary<string, object?> { ["participantId"] = Id.Value }, Id.Value);
    }

    public StatusChange RejectByVerifier(string source, string reason, DateTimeOffset now)
    {
        Verification = VerificationState.Failed(source, reason, now);
        return Move(ParticipantStatus.Rejected, "participant.rejected", reason, $"verifier:{source}", now);
    }

    public void RetryVerificationLater(string error, DateTimeOffset nextAttempt, DateTimeOffset now)
    {
        Verification = Verification.Retry(error, nextAttempt);
        UpdatedAt = now;
    }

    public StatusChange Verify(string reason, string actor, DateTimeOffset now)
    {
        // Verification confirms a provisional ID; a suspended participant comes back through Reinstate.
        if (Status != ParticipantStatus.Provisional)
            throw InvalidTransition(ParticipantStatus.Active);
        var change = Move(ParticipantStatus.Active, "participant.verified", reason, actor, now);
        Verification = VerificationState.Completed("registry-operator", reason, now);
        return change;
    }

    public StatusChange Reject(string reason, string actor, DateTimeOffset now)
    {
        var change = Move(ParticipantStatus.Rejected, "participant.rejected", reason, actor, now);
        Verification = VerificationState.Failed("registry-operator", reason, now);
        return change;
    }

    public StatusChange Suspend(string reason, string actor, DateTimeOffset now) =>
        Move(ParticipantStatus.Suspended, "participant.suspended", reason, actor, now);

    public StatusChange Reinstate(string reason, string actor, DateTimeOffset now)
    {
        if (Status != ParticipantStatus.Suspended)
            throw InvalidTransition(ParticipantStatus.Active);
        return Move(ParticipantStatus.Active, "participant.reinstated", reason, actor, now);
    }

    public StatusChange Deregister(string reason, string actor, DateTimeOffset now) =>
        Move(ParticipantStatus.Deregistered, "participant.deregistered", reason, actor, now);

    /// <summary>This record was a duplicate of <paramref name="survivor"/>; its ID keeps resolving and points there.</summary>
    public StatusChange MergeInto(ParticipantId survivor, string reason, string actor, DateTimeOffset now)
    {
        if (survivor == Id)
            throw new DomainRuleException(ParticipantErrors.InvalidTransition, "A participant cannot be merged into itself.");
        var change = Move(ParticipantStatus.Merged, "participant.merged", reason, actor, now, survivor.Value);
        MergedInto = survivor;
        return change;
    }

    public void UpdateCommercialInformation(DateTimeOffset now)
    {
        Touch(now);
        Record("participant.updated", Id.Value,
            new Dictionary<string, object?> { ["participantId"] = Id.Value, ["changed"] = CommercialInformationChanged }, Id.Value);
    }

    private StatusChange Move(ParticipantStatus to, string eventType, string reason, string actor, DateTimeOffset now, params string[] alsoTell)
    {
        if (!ParticipantStatusTransitions.CanMove(Status, to))
            throw InvalidTransition(to);
        var change = new StatusChange(Id, Status, to, reason, actor, now);
        Status = to;
        Touch(now);
        Record(eventType, Id.Value,
            new Dictionary<string, object?> { ["participantId"] = Id.Value, ["from"] = change.From.ToWire(), ["to"] = to.ToWire() },
            [Id.Value, .. alsoTell]);
        return change;
    }

    private StatusChange? Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version = Guid.NewGuid();
        return null;
    }

    private DomainRuleException InvalidTransition(ParticipantStatus to) =>
        new(ParticipantErrors.InvalidTransition, $"A {Status.ToWire()} participant cannot become {to.ToWire()}.",
            new Dictionary<string, object?> { ["currentStatus"] = Status.ToWire() });
}

/// <summary>A postal address; <see cref="Postcode"/> is canonical (<c>AA9 9AA</c>).</summary>
public sealed record Address(string Line1, string? Line2, string Town, string Postcode);

/// <summary>The person, at director level, who declared the registration and administers the organisation.</summary>
public sealed record AuthorisedPerson(string Name, string Email);

/// <summary>One change of status: who, when and why (kept forever).</summary>
public sealed class StatusChange
{
    private StatusChange() { }

    public StatusChange(ParticipantId participantId, ParticipantStatus from, ParticipantStatus to, string reason, string actor, DateTimeOffset at)
    {
        ParticipantId = participantId;
        From = from;
        To = to;
        Reason = reason;
        Actor = actor;
        At = at;
    }

    public long Id { get; private set; }
    public ParticipantId ParticipantId { get; private set; }
    public ParticipantStatus From { get; private set; }
    public ParticipantStatus To { get; private set; }
    public string Reason { get; private set; } = "";
    public string Actor { get; private set; } = "";
    public DateTimeOffset At { get; private set; }
}
