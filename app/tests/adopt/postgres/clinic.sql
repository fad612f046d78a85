-- A clinic: staff with a reporting line, patients, appointments, prescriptions, rooms.
CREATE TYPE staff_role AS ENUM ('doctor', 'nurse', 'admin');

CREATE TYPE "Visit Kind" AS ENUM ('first-visit', 'follow-up', 'emergency');

CREATE TABLE departments (
    id serial PRIMARY KEY,
    name varchar(80) NOT NULL UNIQUE,
    floor smallint NOT NULL DEFAULT 0
);

CREATE TABLE staff (
    id serial PRIMARY KEY,
    department_id integer NOT NULL REFERENCES departments (id),
    manager_id integer REFERENCES staff (id) ON DELETE SET NULL,
    role staff_role NOT NULL,
    "firstName" varchar(60) NOT NULL,
    "lastName" varchar(60) NOT NULL,
    hired_on date NOT NULL DEFAULT CURRENT_DATE,
    salary numeric(9, 2),
    left_on date
);

CREATE INDEX staff_active_idx ON staff (department_id) WHERE left_on IS NULL;

CREATE TABLE patients (
    id uuid PRIMARY KEY,
    mrn varchar(16) NOT NULL,
    name text NOT NULL,
    birth_date date NOT NULL,
    phone varchar(32),
    allergies text[],
    CONSTRAINT patients_mrn_key UNIQUE (mrn)
);

COMMENT ON TABLE patients IS 'everyone ever treated';

COMMENT ON COLUMN patients.mrn IS 'medical record number';

CREATE TABLE rooms (
    department_id integer NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    number varchar(8) NOT NULL,
    beds smallint NOT NULL DEFAULT 1 CHECK (beds >= 0),
    PRIMARY KEY (department_id, number)
);

CREATE TABLE "user" (
    id serial PRIMARY KEY,
    login varchar(40) NOT NULL UNIQUE,
    staff_id integer REFERENCES staff (id),
    password_hash bytea NOT NULL,
    last_login timestamptz
);

CREATE TABLE appointments (
    id bigserial PRIMARY KEY,
    patient_id uuid NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
    doctor_id integer NOT NULL REFERENCES staff (id),
    room_department integer,
    room_number varchar(8),
    kind "Visit Kind" NOT NULL DEFAULT 'first-visit',
    starts_at timestamp NOT NULL,
    duration_min integer NOT NULL DEFAULT 15,
    cancelled boolean NOT NULL DEFAULT false,
    FOREIGN KEY (room_department, room_number) REFERENCES rooms (department_id, number) ON DELETE SET NULL,
    CONSTRAINT appointments_duration_check CHECK (duration_min > 0 AND duration_min <= 480)
);

CREATE INDEX appointments_upcoming_idx ON appointments (doctor_id, starts_at) WHERE NOT cancelled;

CREATE TABLE diagnoses (
    code varchar(10) PRIMARY KEY,
    title text NOT NULL,
    parent_code varchar(10) REFERENCES diagnoses (code)
);

CREATE TABLE appointment_diagnoses (
    appointment_id bigint NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    diagnosis_code varchar(10) NOT NULL REFERENCES diagnoses (code),
    is_primary boolean NOT NULL DEFAULT false,
    PRIMARY KEY (appointment_id, diagnosis_code)
);

CREATE TABLE medications (
    id serial PRIMARY KEY,
    name varchar(120) NOT NULL,
    strength_mg double precision,
    CONSTRAINT medications_name_key UNIQUE (name)
);

CREATE TABLE prescriptions (
    id bigserial PRIMARY KEY,
    appointment_id bigint NOT NULL REFERENCES appointments (id),
    medication_id integer NOT NULL REFERENCES medications (id) ON UPDATE CASCADE,
    doses_per_day smallint NOT NULL DEFAULT 1,
    days smallint NOT NULL,
    notes jsonb DEFAULT '{}'::jsonb
);

CREATE TABLE vitals (
    id bigserial PRIMARY KEY,
    patient_id uuid NOT NULL REFERENCES patients (id),
    taken_at timestamp NOT NULL DEFAULT now(),
    weight_kg numeric(5, 1),
    height_cm numeric(5, 1),
    bmi numeric(5, 1) GENERATED ALWAYS AS (weight_kg / ((height_cm / 100) * (height_cm / 100))) STORED
);

CREATE VIEW todays_appointments AS SELECT a.id, p.name, a.starts_at FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE a.starts_at::date = CURRENT_DATE;

CREATE FUNCTION forbid_past() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.starts_at < now() - interval '1 year' THEN RAISE EXCEPTION 'too old'; END IF; RETURN NEW; END $$;

CREATE TRIGGER appointments_not_in_the_past BEFORE INSERT ON appointments FOR EACH ROW EXECUTE FUNCTION forbid_past();

INSERT INTO departments (name, floor) VALUES ('Cardiology', 2), ('Emergency', 0);

INSERT INTO staff (department_id, role, "firstName", "lastName", salary) VALUES (1, 'doctor', 'Grace', 'Hopper', 9000.00), (1, 'nurse', 'Ada', 'Lovelace', 4000.00);

INSERT INTO patients (id, mrn, name, birth_date, allergies) VALUES ('6f1c1f4e-9a0b-4c4e-8a59-0d7a3b1f2e11', 'MRN-1', 'Alan', '1954-06-23', '{penicillin}');

INSERT INTO rooms (department_id, number, beds) VALUES (1, '2.01', 2);

INSERT INTO appointments (patient_id, doctor_id, room_department, room_number, kind, starts_at) VALUES ('6f1c1f4e-9a0b-4c4e-8a59-0d7a3b1f2e11', 1, 1, '2.01', 'follow-up', now());

INSERT INTO diagnoses (code, title) VALUES ('I10', 'Hypertension');

INSERT INTO appointment_diagnoses (appointment_id, diagnosis_code, is_primary) VALUES (1, 'I10', true);
