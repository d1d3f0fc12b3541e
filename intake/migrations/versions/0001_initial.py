"""Initial intake schema: coordinators, schedules, slots, intakes, consents, outbox, gaps.

Written with autogenerate from intake.models, then tidied by hand; tests/intake checks that
models and migrations still agree.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('text_version', sa.String(length=20), nullable=False),
    sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    op.create_index(op.f('ix_consents_sender_id'), 'consents', ['sender_id'], unique=False)

    op.create_table('coordinators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('mutualiteit', sa.String(length=100), nullable=False),
    sa.Column('telegram_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coordinators')),
    sa.UniqueConstraint('telegram_chat_id', name=op.f('uq_coordinators_telegram_chat_id'))
    )
    op.create_index(op.f('ix_coordinators_mutualiteit'), 'coordinators', ['mutualiteit'], unique=False)

    op.create_table('unanswered_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('intent_guess', sa.String(length=100), nullable=True),
    sa.Column('measure_guess', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unanswered_questions'))
    )
    op.create_index(op.f('ix_unanswered_questions_created_at'), 'unanswered_questions', ['created_at'], unique=False)

    op.create_table('coordinator_areas',
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinators.id'], name=op.f('fk_coordinator_areas_coordinator_id_coordinators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('coordinator_id', 'province', name=op.f('pk_coordinator_areas'))
    )
    op.create_index(op.f('ix_coordinator_areas_province'), 'coordinator_areas', ['province'], unique=False)

    op.create_table('slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_slots_ends_after_start')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinators.id'], name=op.f('fk_slots_coordinator_id_coordinators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slots')),
    sa.UniqueConstraint('coordinator_id', 'starts_at', name=op.f('uq_slots_coordinator_id_starts_at'))
    )
    op.create_index(op.f('ix_slots_starts_at'), 'slots', ['starts_at'], unique=False)

    op.create_table('weekly_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('slot_minutes', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_weekly_schedules_end_after_start')),
    sa.CheckConstraint('slot_minutes > 0 AND slot_minutes <= 480', name=op.f('ck_weekly_schedules_slot_minutes_range')),
    sa.CheckConstraint('weekday >= 0 AND weekday <= 6', name=op.f('ck_weekly_schedules_weekday_range')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinators.id'], name=op.f('fk_weekly_schedules_coordinator_id_coordinators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_schedules'))
    )
    op.create_index(op.f('ix_weekly_schedules_coordinator_id'), 'weekly_schedules', ['coordinator_id'], unique=False)

    op.create_table('intakes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=True),
    sa.Column('participant_name', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('mutualiteit', sa.String(length=100), nullable=True),
    sa.Column('postcode', sa.String(length=4), nullable=True),
    sa.Column('province', sa.String(length=40), nullable=True),
    sa.Column('region', sa.String(length=20), nullable=True),
    sa.Column('topic', sa.String(length=300), nullable=True),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('participant', 'employer', 'other')", name=op.f('ck_intakes_role_valid')),
    sa.CheckConstraint("status IN ('booked', 'cancelled', 'done', 'no_show')", name=op.f('ck_intakes_status_valid')),
    sa.ForeignKeyConstraint(['slot_id'], ['slots.id'], name=op.f('fk_intakes_slot_id_slots'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intakes'))
    )
    op.create_index(op.f('ix_intakes_sender_id'), 'intakes', ['sender_id'], unique=False)
    op.create_index(op.f('ix_intakes_slot_id'), 'intakes', ['slot_id'], unique=False)
    op.create_index(op.f('ix_intakes_status'), 'intakes', ['status'], unique=False)
    op.create_index('uq_intakes_booked_slot', 'intakes', ['slot_id'], unique=True, sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('coordinator_id', sa.Integer(), nullable=False),
    sa.Column('intake_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.CheckConstraint("kind IN ('new', 'cancelled', 'rescheduled')", name=op.f('ck_outbox_messages_kind_valid')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['coordinators.id'], name=op.f('fk_outbox_messages_coordinator_id_coordinators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['intake_id'], ['intakes.id'], name=op.f('fk_outbox_messages_intake_id_intakes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    op.create_index(op.f('ix_outbox_messages_coordinator_id'), 'outbox_messages', ['coordinator_id'], unique=False)
    op.create_index(op.f('ix_outbox_messages_intake_id'), 'outbox_messages', ['intake_id'], unique=False)
    op.create_index('ix_outbox_messages_pending', 'outbox_messages', ['sent_at', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_outbox_messages_pending', table_name='outbox_messages')
    op.drop_index(op.f('ix_outbox_messages_intake_id'), table_name='outbox_messages')
    op.drop_index(op.f('ix_outbox_messages_coordinator_id'), table_name='outbox_messages')

    op.drop_table('outbox_messages')
    op.drop_index('uq_intakes_booked_slot', table_name='intakes')
    op.drop_index(op.f('ix_intakes_status'), table_name='intakes')
    op.drop_index(op.f('ix_intakes_slot_id'), table_name='intakes')
    op.drop_index(op.f('ix_intakes_sender_id'), table_name='intakes')

    op.drop_table('intakes')
    op.drop_index(op.f('ix_weekly_schedules_coordinator_id'), table_name='weekly_schedules')

    op.drop_table('weekly_schedules')
    op.drop_index(op.f('ix_slots_starts_at'), table_name='slots')

    op.drop_table('slots')
    op.drop_index(op.f('ix_coordinator_areas_province'), table_name='coordinator_areas')

    op.drop_table('coordinator_areas')
    op.drop_index(op.f('ix_unanswered_questions_created_at'), table_name='unanswered_questions')

    op.drop_table('unanswered_questions')
    op.drop_index(op.f('ix_coordinators_mutualiteit'), table_name='coordinators')

    op.drop_table('coordinators')
    op.drop_index(op.f('ix_consents_sender_id'), table_name='consents')

    op.drop_table('consents')
