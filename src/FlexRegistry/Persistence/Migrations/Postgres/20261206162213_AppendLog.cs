using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AppendLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_webhook_deliveries_events_EventSequence",
                table: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "audit_checkpoints");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "PreviousHash",
                table: "audit_records");

            migrationBuilder.RenameColumn(
                name: "Sequence",
                table: "events",
                newName: "Position");

            migrationBuilder.RenameIndex(
                name: "IX_events_Subject_Sequence",
                table: "events",
                newName: "IX_events_Subject_Position");

            migrationBuilder.RenameColumn(
                name: "Sequence",
                table: "audit_records",
                newName: "Position");

            migrationBuilder.RenameIndex(
                name: "IX_audit_records_SubjectParticipantId_Sequence",
                table: "audit_records",
                newName: "IX_audit_records_SubjectParticipantId_Position");

            migrationBuilder.RenameIndex(
                name: "IX_audit_records_ResourceId_Sequence",
                table: "audit_records",
                newName: "IX_audit_records_ResourceId_Position");

            migrationBuilder.AddColumn<long>(
                name: "TransactionId",
                table: "events",
                type: "bigint",
                nullable: false,
                defaultValueSql: "(pg_current_xact_id()::text::bigint)");

            migrationBuilder.AlterColumn<long>(
                name: "Position",
                table: "audit_records",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint")
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            // The records already written keep their positions; new ones are numbered after them.
            migrationBuilder.Sql("SELECT setval(pg_get_serial_sequence('audit_records', 'Position'), COALESCE(MAX(\"Position\"), 0) + 1, false) FROM audit_records;");

            migrationBuilder.AddColumn<long>(
                name: "TransactionId",
                table: "audit_records",
                type: "bigint",
                nullable: false,
                defaultValueSql: "(pg_current_xact_id()::text::bigint)");

            migrationBuilder.CreateTable(
                name: "audit_leaves",
                columns: table => new
                {
                    LeafIndex = table.Column<long>(type: "bigint", nullable: false),
                    RecordPosition = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_leaves", x => x.LeafIndex);
                });

            migrationBuilder.CreateTable(
                name: "audit_tree_heads",
                columns: table => new
                {
                    TreeSize = table.Column<long>(type: "bigint", nullable: false),
                    RootHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    Timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    KeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Signature = table.Column<byte[]>(type: "bytea", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_tree_heads", x => x.TreeSize);
                });

            migrationBuilder.CreateTable(
                name: "audit_tree_nodes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false),
                    Hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_tree_nodes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "event_sequence",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    Position = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_sequence", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_events_TransactionId_Position",
                table: "events",
                columns: new[] { "TransactionId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_records_TransactionId_Position",
                table: "audit_records",
                columns: new[] { "TransactionId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_leaves_RecordPosition",
                table: "audit_leaves",
                column: "RecordPosition",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_event_sequence_Position",
                table: "event_sequence",
                column: "Position",
                unique: true);

            // Events already in the log keep their sequence (subscribers' cursors point into it).
            migrationBuilder.Sql("INSERT INTO event_sequence (\"Sequence\", \"Position\") SELECT \"Position\", \"Position\" FROM events;");

            migrationBuilder.AddForeignKey(
                name: "FK_webhook_deliveries_event_sequence_EventSequence",
                table: "webhook_deliveries",
                column: "EventSequence",
                principalTable: "event_sequence",
                principalColumn: "Sequence",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_webhook_deliveries_event_sequence_EventSequence",
                table: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "audit_leaves");

            migrationBuilder.DropTable(
                name: "audit_tree_heads");

            migrationBuilder.DropTable(
                name: "audit_tree_nodes");

            migrationBuilder.DropTable(
                name: "event_sequence");

            migrationBuilder.DropIndex(
                name: "IX_events_TransactionId_Position",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_audit_records_TransactionId_Position",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "TransactionId",
                table: "events");

            migrationBuilder.DropColumn(
                name: "TransactionId",
                table: "audit_records");

            migrationBuilder.RenameColumn(
                name: "Position",
                table: "events",
                newName: "Sequence");

            migrationBuilder.RenameIndex(
                name: "IX_events_Subject_Position",
                table: "events",
                newName: "IX_events_Subject_Sequence");

            migrationBuilder.RenameColumn(
                name: "Position",
                table: "audit_records",
                newName: "Sequence");

            migrationBuilder.RenameIndex(
                name: "IX_audit_records_SubjectParticipantId_Position",
                table: "audit_records",
                newName: "IX_audit_records_SubjectParticipantId_Sequence");

            migrationBuilder.RenameIndex(
                name: "IX_audit_records_ResourceId_Position",
                table: "audit_records",
                newName: "IX_audit_records_ResourceId_Sequence");

            migrationBuilder.AlterColumn<long>(
                name: "Sequence",
                table: "audit_records",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint")
                .OldAnnotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "audit_records",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PreviousHash",
                table: "audit_records",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "audit_checkpoints",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HeadHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    KeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Signature = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_checkpoints", x => x.Sequence);
                });

            migrationBuilder.AddForeignKey(
                name: "FK_webhook_deliveries_events_EventSequence",
                table: "webhook_deliveries",
                column: "EventSequence",
                principalTable: "events",
                principalColumn: "Sequence",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
