using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Onboarding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "markets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OperatorId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    NameKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    GspGroups = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    ProductIdsJson = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    ContactEmail = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    RequirementsJson = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_markets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_markets_participants_OperatorId",
                        column: x => x.OperatorId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "market_onboardings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MarketId = table.Column<Guid>(type: "uuid", nullable: false),
                    ParticipantId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    OperatorId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    AppliedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    OnboardedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_onboardings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_market_onboardings_markets_MarketId",
                        column: x => x.MarketId,
                        principalTable: "markets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_market_onboardings_participants_OperatorId",
                        column: x => x.OperatorId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_market_onboardings_participants_ParticipantId",
                        column: x => x.ParticipantId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "onboarding_requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OnboardingId = table.Column<Guid>(type: "uuid", nullable: false),
                    ParticipantId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    OperatorId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Subject = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Answer = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    DocumentContentType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    DocumentSize = table.Column<long>(type: "bigint", nullable: true),
                    DocumentSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    DocumentUploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReturnReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    RaisedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_onboarding_requests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_onboarding_requests_market_onboardings_OnboardingId",
                        column: x => x.OnboardingId,
                        principalTable: "market_onboardings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "onboarding_documents",
                columns: table => new
                {
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_onboarding_documents", x => x.RequestId);
                    table.ForeignKey(
                        name: "FK_onboarding_documents_onboarding_requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "onboarding_requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_market_onboardings_OperatorId",
                table: "market_onboardings",
                column: "OperatorId");

            migrationBuilder.CreateIndex(
                name: "IX_market_onboardings_ParticipantId",
                table: "market_onboardings",
                column: "ParticipantId");

            migrationBuilder.CreateIndex(
                name: "ux_market_onboardings_pair",
                table: "market_onboardings",
                columns: new[] { "MarketId", "ParticipantId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_markets_OperatorId",
                table: "markets",
                column: "OperatorId");

            migrationBuilder.CreateIndex(
                name: "ux_markets_name",
                table: "markets",
                column: "NameKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_onboarding_requests_OnboardingId",
                table: "onboarding_requests",
                column: "OnboardingId");

            migrationBuilder.CreateIndex(
                name: "IX_onboarding_requests_ParticipantId_Status",
                table: "onboarding_requests",
                columns: new[] { "ParticipantId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "onboarding_documents");

            migrationBuilder.DropTable(
                name: "onboarding_requests");

            migrationBuilder.DropTable(
                name: "market_onboardings");

            migrationBuilder.DropTable(
                name: "markets");
        }
    }
}
