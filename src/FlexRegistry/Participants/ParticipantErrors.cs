using FlexRegistry.Shared;

namespace FlexRegistry.Participants;

public static class ParticipantErrors
{
    public static readonly ErrorCode AlreadyRegistered = new("participant.already_registered", 409,
        "An organisation with this identifier is already registered.");
    public static readonly ErrorCode InvalidId = new("participant.id_invalid", 400,
        "The participant ID is malformed or its check character is wrong.");
    public static readonly ErrorCode NotFound = new("participant.not_found", 404, "No such participant.");
    public static readonly ErrorCode InvalidTransition = new("participant.invalid_status_transition", 409,
        "The participant's status does not allow this action.");
    public static readonly ErrorCode CommercialInformationInvalid = new("participant.commercial_information_invalid", 422,
        "The commercial information does not meet the requirements of the participant's roles.");
    public static readonly ErrorCode UnknownRole = new("participant.role_unknown", 400, "The role is not one of the published roles.");
    public static readonly ErrorCode InterestExists = new("participant.interest_exists", 409,
        "The participant has already expressed interest in this market operator's markets.");
    public static readonly ErrorCode InterestNotFound = new("participant.interest_not_found", 404, "No such active expression of interest.");
    public static readonly ErrorCode InterestNotAllowed = new("participant.interest_not_allowed", 422,
        "Only flexibility service providers and aggregators express interest, and only in a participant that runs markets.");
    public static readonly ErrorCode GrantExists = new("participant.grant_exists", 409,
        "An open grant of this part to this grantee already exists; revoke it first or let it expire.");
    public static readonly ErrorCode GrantNotFound = new("participant.grant_not_found", 404, "No such data-sharing grant.");
}
