using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsersCertificatesRelationshipsImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "LeaseOwner",
                table: "webhook_deliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LeaseUntil",
                table: "webhook_deliveries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CertificateSubject",
                table: "api_clients",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CertificateThumbprint",
                table: "api_clients",
                type: "TEXT",
                maxLength: 43,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "asset_access_windows",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ReaderId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    WindowEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_access_windows", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "asset_import_results",
                columns: table => new
                {
                    ImportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RowNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ExistingAssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    DuplicateCaseId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Errors = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_import_results", x => new { x.ImportId, x.RowNumber });
                });

            migrationBuilder.CreateTable(
                name: "asset_import_rows",
                columns: table => new
                {
                    ImportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RowNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: true),
                    Errors = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_import_rows", x => new { x.ImportId, x.RowNumber });
                });

            migrationBuilder.CreateTable(
                name: "asset_imports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ParticipantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FileHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Format = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RowsReceived = table.Column<int>(type: "INTEGER", nullable: false),
                    RowsProcessed = table.Column<int>(type: "INTEGER", nullable: false),
                    FuzzyCheckedThrough = table.Column<int>(type: "INTEGER", nullable: false),
                    Registered = table.Column<int>(type: "INTEGER", nullable: false),
                    Duplicates = table.Column<int>(type: "INTEGER", nullable: false),
                    Invalid = table.Column<int>(type: "INTEGER", nullable: false),
                    PossibleDuplicates = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Failure = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_imports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "data_sharing_grants",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    GrantorId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    GranteeId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    GranteeRole = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Grantee = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Part = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    GrantedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    GrantedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EndReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Revoked = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_sharing_grants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_data_sharing_grants_participants_GranteeId",
                        column: x => x.GranteeId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_data_sharing_grants_participants_GrantorId",
                        column: x => x.GrantorId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "market_interests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ParticipantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    MarketOperatorId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ExpressedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpressedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    WithdrawnAt = table.Column<long>(type: "INTEGER", nullable: true),
                    WithdrawnBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_market_interests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_market_interests_participants_MarketOperatorId",
                        column: x => x.MarketOperatorId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_market_interests_participants_ParticipantId",
                        column: x => x.ParticipantId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "participant_email_domains",
                columns: table => new
                {
                    ParticipantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Domain = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    ApprovedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ApprovedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_participant_email_domains", x => new { x.ParticipantId, x.Domain });
                    table.ForeignKey(
                        name: "FK_participant_email_domains_participants_ParticipantId",
                        column: x => x.ParticipantId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ParticipantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Permissions = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IdentityIssuer = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    IdentitySubject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    InvitationTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    InvitationExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.Id);
                    table.ForeignKey(
                        name: "FK_users_participants_ParticipantId",
                        column: x => x.ParticipantId,
                        principalTable: "participants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_LeaseOwner",
                table: "webhook_deliveries",
                column: "LeaseOwner");

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_Status_CompletedAt",
                table: "webhook_deliveries",
                columns: new[] { "Status", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_asset_access_windows_AssetId_ReaderId_WindowStart",
                table: "asset_access_windows",
                columns: new[] { "AssetId", "ReaderId", "WindowStart" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_asset_access_windows_PublishedAt_WindowEnd",
                table: "asset_access_windows",
                columns: new[] { "PublishedAt", "WindowEnd" });

            migrationBuilder.CreateIndex(
                name: "IX_asset_imports_ParticipantId_IdempotencyKey",
                table: "asset_imports",
                columns: new[] { "ParticipantId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_asset_imports_Status_CreatedAt",
                table: "asset_imports",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_data_sharing_grants_Grantee",
                table: "data_sharing_grants",
                column: "Grantee");

            migrationBuilder.CreateIndex(
                name: "IX_data_sharing_grants_GranteeId",
                table: "data_sharing_grants",
                column: "GranteeId");

            migrationBuilder.CreateIndex(
                name: "ux_data_sharing_grants_open",
                table: "data_sharing_grants",
                columns: new[] { "GrantorId", "Grantee", "Part" },
                unique: true,
                filter: "\"EndedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_market_interests_MarketOperatorId",
                table: "market_interests",
                column: "MarketOperatorId");

            migrationBuilder.CreateIndex(
                name: "ux_market_interests_active_pair",
                table: "market_interests",
                columns: new[] { "ParticipantId", "MarketOperatorId" },
                unique: true,
                filter: "\"WithdrawnAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_users_ParticipantId",
                table: "users",
                column: "ParticipantId");

            migrationBuilder.CreateIndex(
                name: "ux_users_identity",
                table: "users",
                columns: new[] { "IdentityIssuer", "IdentitySubject" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_users_invitation_token",
                table: "users",
                column: "InvitationTokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "asset_access_windows");

            migrationBuilder.DropTable(
                name: "asset_import_results");

            migrationBuilder.DropTable(
                name: "asset_import_rows");

            migrationBuilder.DropTable(
                name: "asset_imports");

            migrationBuilder.DropTable(
                name: "data_sharing_grants");

            migrationBuilder.DropTable(
                name: "market_interests");

            migrationBuilder.DropTable(
                name: "participant_email_domains");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropIndex(
                name: "IX_webhook_deliveries_LeaseOwner",
                table: "webhook_deliveries");

            migrationBuilder.DropIndex(
                name: "IX_webhook_deliveries_Status_CompletedAt",
                table: "webhook_deliveries");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "webhook_deliveries");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "webhook_deliveries");

            migrationBuilder.DropColumn(
                name: "CertificateSubject",
                table: "api_clients");

            migrationBuilder.DropColumn(
                name: "CertificateThumbprint",
                table: "api_clients");
        }
    }
}
